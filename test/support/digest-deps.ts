import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WeeklyDigestDeps } from '#app/weekly-digest.ts';
import type { Protocol } from '#domain/protocol.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import { digestDeps } from '../../bench/digest.ts';

/** The weekly digest's repositories on one dynalite table (bench/digest.ts's wiring), publishing through `publisher`, at USD 0.05 a part, with the console link. */
export function dynamoDigestDeps(doc: DynamoDBDocumentClient, table: string, protocol: Protocol, publisher: AlertPublisher): WeeklyDigestDeps {
  return { ...digestDeps(doc, table, protocol), publisher, smsCostPerPartUsd: 0.05, consoleUrl: 'https://console.example.org/' };
}
