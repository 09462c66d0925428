import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The earliest entry of sparse work queues (`<instant>#<id>` sort keys; gsi2, or gsi4 for the
 * inbound retry queue): one Query with Limit 1 per partition, never a Scan. The local scheduler
 * uses it to skip the cadence instants at which a job would have found nothing to do.
 */
export async function earliestQueued(doc: DynamoDBDocumentClient, tableName: string, partitions: readonly string[], index: 'gsi2' | 'gsi4' = 'gsi2'): Promise<string | null> {
  const heads = await Promise.all(
    partitions.map(async (pk) => {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: `${index}pk = :pk`,
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: `${index}sk`,
          Limit: 1,
        }),
      );
      const sk = out.Items?.[0]?.[`${index}sk`];
      return typeof sk === 'string' ? sk.split('#')[0]! : null;
    }),
  );
  const instants = heads.filter((h): h is string => h !== null).sort((a, b) => Date.parse(a) - Date.parse(b));
  return instants[0] ?? null;
}
