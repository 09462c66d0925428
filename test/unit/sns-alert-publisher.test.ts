import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SnsAlertPublisher, SNS_MESSAGE_MAX_BYTES, scrubPhones, snsSubject, truncateUtf8 } from '#adapters/sns/sns-alert-publisher.ts';
import type { Alert } from '#ports/alerts.ts';

const COORDINATORS = 'arn:aws:sns:cn-north-1:123456789012:coordinators';
const ESCALATION = 'arn:aws:sns:cn-north-1:123456789012:escalation';
const PHONE = '+8613800138000';
const BODY = '发烧39度 咳嗽 please call me';

const snsMock = mockClient(SNSClient);

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1b2c3d4e5f6a7b8c9d0e1f2',
    kind: 'red_flag',
    urgent: true,
    status: 'open',
    patientId: 'pat-0001',
    studyId: 'IGG4-007',
    title: 'IGG4-007: red flag (Fever G3) reported 2027-01-12',
    details: { phone: PHONE, text: BODY },
    episodeKey: 'report:r1',
    createdAt: '2027-01-12T03:00:00.000Z',
    updatedAt: '2027-01-12T03:00:00.000Z',
    escalationCount: 0,
    version: 1,
    ...overrides,
  };
}

function sent(): { TopicArn?: string; Subject?: string; Message?: string }[] {
  return snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input);
}

describe('SnsAlertPublisher', () => {
  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  });

  it('publishes to the coordinator topic with the study ID, urgency, title and a console link', async () => {
    const publisher = new SnsAlertPublisher(new SNSClient({}), { coordinators: COORDINATORS, escalation: ESCALATION }, 'https://console.example.org/');
    await publisher.publish(alert(), 'coordinators');
    const [input] = sent();
    expect(input?.TopicArn).toBe(COORDINATORS);
    expect(input?.Message).toContain('IGG4-007');
    expect(input?.Message).toContain('URGENT');
    expect(input?.Message).toContain('red flag');
    expect(input?.Message).toContain('https://console.example.org/#/alerts/a1b2c3d4e5f6a7b8c9d0e1f2');
    expect(input?.Message).toContain('2027-01-12');
    expect(input?.Subject).toContain('IGG4-007');
  });

  it('never carries the phone number or the message body, even when they sit in the alert details', async () => {
    const publisher = new SnsAlertPublisher(new SNSClient({}), { coordinators: COORDINATORS, escalation: ESCALATION }, 'https://console.example.org');
    // A careless title with a number in it is scrubbed too (defence in depth).
    await publisher.publish(alert({ title: `IGG4-007 called from ${PHONE} / 13800138000` }), 'coordinators');
    const [input] = sent();
    const everything = `${input?.Subject}\n${input?.Message}`;
    expect(everything).not.toContain(PHONE);
    expect(everything).not.toContain('8613800138000');
    expect(everything).not.toContain('13800138000');
    expect(everything).not.toContain('发烧');
    expect(everything).not.toContain('please call me');
  });

  it('escalation goes to the escalation topic and says it was not acknowledged', async () => {
    const publisher = new SnsAlertPublisher(new SNSClient({}), { coordinators: COORDINATORS, escalation: ESCALATION }, 'https://console.example.org');
    await publisher.publish(alert({ escalationCount: 1 }), 'escalation');
    const [input] = sent();
    expect(input?.TopicArn).toBe(ESCALATION);
    expect(input?.Message).toMatch(/ESCALATED \(not acknowledged, reminder 2\)/);
  });

  it('refuses to escalate when no escalation topic is configured (no silent drop)', async () => {
    const publisher = new SnsAlertPublisher(new SNSClient({}), { coordinators: COORDINATORS }, 'https://console.example.org');
    await expect(publisher.publish(alert(), 'escalation')).rejects.toThrow(/no SNS topic configured for the escalation channel/);
    expect(sent()).toHaveLength(0);
  });

  it('subjects are ≤ 100 printable ASCII characters on one line, even for Chinese titles', async () => {
    const publisher = new SnsAlertPublisher(new SNSClient({}), { coordinators: COORDINATORS }, 'https://console.example.org');
    await publisher.publish(alert({ title: `IGG4-007：发热 ${'很长的标题'.repeat(40)}\nsecond line` }), 'coordinators');
    const subject = sent()[0]?.Subject ?? '';
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject).toContain('IGG4-007');
    expect(snsSubject('发热')).toBe('Study alert');
  });

  it('publishText truncates a digest over 256 KB on a character boundary and says so', async () => {
    const publisher = new SnsAlertPublisher(new SNSClient({}), { coordinators: COORDINATORS }, 'https://console.example.org');
    const huge = '周报'.repeat(100_000); // 600,000 UTF-8 bytes
    await publisher.publishText('Weekly digest 2027-W02', huge, 'coordinators');
    const message = sent()[0]?.Message ?? '';
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(SNS_MESSAGE_MAX_BYTES);
    expect(message).toContain('[truncated');
    expect(message).not.toContain('\uFFFD');
    expect(message.startsWith('周报周报')).toBe(true);
  });

  it('a short digest goes out unchanged, dates and study IDs intact', async () => {
    const publisher = new SnsAlertPublisher(new SNSClient({}), { coordinators: COORDINATORS }, 'https://console.example.org');
    const text = 'IGG4-001 (MMF) m3, 2027-01-20\nSent 120, parts 130';
    await publisher.publishText('Weekly digest', text, 'coordinators');
    expect(sent()[0]).toMatchObject({ TopicArn: COORDINATORS, Subject: 'Weekly digest', Message: text });
  });
});

describe('helpers', () => {
  it('truncateUtf8 leaves short text alone and never splits a surrogate pair', () => {
    expect(truncateUtf8('abc', 10)).toBe('abc');
    const cut = truncateUtf8('😀'.repeat(100), 80);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(80);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('scrubPhones masks numbers but keeps dates and study IDs', () => {
    expect(scrubPhones('IGG4-001 2027-01-05 +86 138 0013 8000 and 13800138000')).toBe('IGG4-001 2027-01-05 [phone removed] and [phone removed]');
    expect(scrubPhones('+86 138 0013 8000 13800138000')).not.toMatch(/\d{3}/);
  });
});
