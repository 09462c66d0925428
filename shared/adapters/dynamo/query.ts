import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './keys.ts';

/** Every page of a query (for bounded sets: one patient, one week, one queue window). */
export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** One page of a query with an opaque cursor (API pagination). */
export async function queryPage(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: Record<string, unknown>[]; nextCursor?: string }> {
  const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: decodeCursor(cursor), Limit: limit }));
  return { items: out.Items ?? [], nextCursor: encodeCursor(out.LastEvaluatedKey) };
}
