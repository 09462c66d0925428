/**
 * The deployed sweep handler (the module's `handler` export, wired exactly as on Lambda) closes
 * timed-out check-in conversations (issue 18 part 3). Its DynamoDB client is the production one,
 * pointed at dynalite through the SDK's standard AWS_ENDPOINT_URL_DYNAMODB variable; SNS is
 * mocked. The handler module is imported only after the environment is set, as Lambda loads it.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoConversationRepository } from '#adapters/dynamo/conversation-repository.ts';
import { DynamoPatientRepository } from '#adapters/dynamo/patient-repository.ts';
import { DynamoReportRepository } from '#adapters/dynamo/report-repository.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import type { Protocol } from '#domain/protocol.ts';
import { advanceConversation, openQuestionFor, startConversation, type ProItem } from '#domain/replies/conversation.ts';
import { interpretReply } from '#domain/replies/interpret.ts';
import type { StoredConversation } from '#ports/conversations.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { makePatient } from '../support/patients.ts';

const protocol = loadProtocolFile();
const proItemsOf = (p: Protocol): ProItem[] => p.checkIns.proItems.map((i) => ({ key: i.key, term: i.term, ...(i.attribute ? { attribute: i.attribute } : {}) }));
const local = useLocalDynamo();
const sns = mockClient(SNSClient);
let table: string;
let handler: (event: unknown, context: unknown) => Promise<{ conversationsExpired: number }>;

beforeAll(async () => {
  table = await local.freshTable();
  Object.assign(process.env, {
    TABLE_NAME: table,
    ALERT_TOPIC_ARN: 'arn:aws:sns:cn-north-1:123456789012:coordinators',
    ESCALATION_TOPIC_ARN: 'arn:aws:sns:cn-north-1:123456789012:escalation',
    CONSOLE_URL: 'https://console.example.org/',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: local.db.endpoint,
  });
  sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
  ({ handler } = (await import('#functions/sweep-adherence/handler.ts')) as unknown as { handler: typeof handler });
});

describe('deployed sweep handler: conversation expiry wiring', () => {
  it('closes a check-in conversation whose step timed out and files its partial answers, unrated items grade null', async () => {
    const patients = new DynamoPatientRepository(local.db.doc, table);
    const conversations = new DynamoConversationRepository(local.db.doc, table);
    const reports = new DynamoReportRepository(local.db.doc, table, protocol.studyTimeZone);
    const patient = makePatient(protocol, { id: 'pat-deployed-1', studyId: 'IGG4-041', phone: '+8613800138041' });
    await patients.create(patient);

    // The handler reads the system clock (as deployed): the conversation's step started well over
    // the step timeout ago, measured from the real now.
    const timeoutMs = protocol.checkIns.stepTimeoutMinutes * 60_000;
    const started = new Date(Date.now() - timeoutMs - 2 * 3_600_000).toISOString();
    const items = proItemsOf(protocol);
    let state = startConversation('ci-deployed-1', started);
    const replies: StoredConversation['replies'] = [];
    for (const [i, text] of ['是', '1 3', '2'].entries()) {
      const question = openQuestionFor(state, items)!;
      replies.push({ inboundMessageId: `in-deployed-${i}`, text, receivedAt: started, question });
      state = advanceConversation(state, interpretReply(text, { openQuestion: question }), items, started).state;
    }
    expect(state).toMatchObject({ step: 'severity', answers: [{ key: items[0]!.key, severity: 2 }] });
    const stored: StoredConversation = {
      patientId: patient.id,
      studyId: patient.studyId,
      checkInDueAt: started,
      state,
      replies,
      relapseSignal: false,
      language: 'zh',
      deadline: new Date(Date.parse(started) + timeoutMs).toISOString(),
      createdAt: started,
      updatedAt: started,
      version: 0,
    };
    await conversations.save(stored, null);

    const result = await handler({}, {});

    expect(result.conversationsExpired).toBe(1);
    const closed = await conversations.get(patient.id);
    expect(closed?.state).toMatchObject({ step: 'done', endReason: 'timed_out' });
    expect(closed?.deadline).toBeNull();
    const filed = await reports.listForPatient(patient.id);
    expect(filed).toHaveLength(1);
    expect(filed[0]).toMatchObject({ source: 'checkin_conversation', text: '是\n1 3\n2', answersCheckInId: 'ci-deployed-1' });
    expect(filed[0]!.interpretation.items).toEqual([
      { term: items[0]!.term, grade: 2 },
      { term: items[2]!.term, grade: null },
    ]);
    // Idempotent: the next sweep finds nothing to expire.
    expect((await handler({}, {})).conversationsExpired).toBe(0);
  });
});
