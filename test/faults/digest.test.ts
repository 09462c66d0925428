import { describe, expect, it, vi } from 'vitest';

// The handler module parses its environment at load (as on Lambda); give it one before imports run.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unused-by-the-factory';
  process.env.ALERT_TOPIC_ARN ??= 'arn:aws:sns:cn-north-1:123456789012:coordinators';
  process.env.SMS_COST_PER_PART_USD ??= '0.05';
  process.env.AWS_REGION ??= 'cn-north-1';
});

import { loadProtocolFile } from '#config/protocol-loader.ts';
import { createDigestHandler } from '#functions/weekly-digest/handler.ts';
import type { AlertPublisher } from '#ports/alert-publisher.ts';
import { fixedClock } from '#ports/clock.ts';
import type { DigestRepository } from '#ports/digests.ts';
import { digestDeps, seedDigestTable } from '../../bench/digest.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { deadWhenKilled, killAfter } from './support.ts';

/**
 * Lambda retries of the weekly digest (the scheduler's event delivered twice; a run that died
 * after storing the digest, or after publishing it): one stored digest per week, the same text,
 * and it reaches the coordinators — once, or (after a death between the publish and its mark)
 * at most once more, never not at all.
 */
const protocol = loadProtocolFile();
const local = useLocalDynamo();
const WEEK = '2027-W02';
const MONDAY_AFTER = '2027-01-18T00:05:00.000Z'; // 08:05 Beijing on the Monday after the week

async function setup() {
  const table = await local.freshTable();
  await seedDigestTable(local.db.doc, table, { patients: 8, week: WEEK, otherWeeks: 0, protocol });
  const published: { subject: string; text: string }[] = [];
  const publisher: AlertPublisher = {
    publish: async () => undefined,
    publishText: async (subject, text) => void published.push({ subject, text }),
  };
  const clock = fixedClock(MONDAY_AFTER);
  const deps = { ...digestDeps(local.db.doc, table, protocol), publisher, clock };
  const stored = () => deps.digests.get(WEEK);
  const auditActions = async () => (await deps.audit.listForEntity('digest', WEEK)).map((e) => e.action).sort();
  return { deps, clock, published, stored, auditActions };
}

describe('Lambda retries of the weekly digest', () => {
  it('the same scheduled event run twice: one digest stored, published once', async () => {
    const s = await setup();
    const handler = createDigestHandler(s.deps);
    const results = await Promise.all([handler({ week: WEEK }, {} as never), handler({ week: WEEK }, {} as never)]);
    expect(results.map((r) => r.status).sort()).toEqual(expect.arrayContaining(['published']));
    s.clock.advanceMinutes(5);
    expect(await handler({ week: WEEK }, {} as never)).toMatchObject({ status: 'already_published', built: false });
    expect(s.published).toHaveLength(1);
    expect((await s.stored())?.publishedAt).toBeTruthy();
    expect(await s.auditActions()).toEqual(['digest.create', 'digest.publish']);
  });

  it('died after storing the digest, before publishing: the retry publishes the stored text once, without rebuilding it', async () => {
    const s = await setup();
    let killed = false;
    const dead = <T extends object>(port: T) => deadWhenKilled(port, () => killed);
    const dying = createDigestHandler({
      ...s.deps,
      digests: killAfter(dead(s.deps.digests), 'createIfAbsent', () => (killed = true)) as DigestRepository,
      audit: dead(s.deps.audit),
      publisher: dead(s.deps.publisher),
    });
    await expect(dying({ week: WEEK }, {} as never)).rejects.toThrow(/killed/);
    const stored = await s.stored();
    expect(stored?.publishedAt).toBeUndefined();
    expect(s.published).toHaveLength(0);

    s.clock.advanceMinutes(1); // Lambda's retry
    const handler = createDigestHandler(s.deps);
    expect(await handler({ week: WEEK }, {} as never)).toMatchObject({ status: 'published', built: false });
    expect(s.published.map((p) => p.text)).toEqual([stored!.text]);
    s.clock.advanceMinutes(1);
    expect(await handler({ week: WEEK }, {} as never)).toMatchObject({ status: 'already_published' });
    expect(s.published).toHaveLength(1);
  });

  it('died after publishing, before the published mark: the retry waits out the lease, then publishes at most once more', async () => {
    const s = await setup();
    let killed = false;
    const dead = <T extends object>(port: T) => deadWhenKilled(port, () => killed);
    const dying = createDigestHandler({
      ...s.deps,
      publisher: killAfter(dead(s.deps.publisher), 'publishText', () => (killed = true)),
      digests: dead(s.deps.digests),
      audit: dead(s.deps.audit),
    });
    await expect(dying({ week: WEEK }, {} as never)).rejects.toThrow(/killed/);
    expect(s.published).toHaveLength(1);

    const handler = createDigestHandler(s.deps);
    s.clock.advanceMinutes(1); // the publication lease (2 min) of the dead run still holds
    expect(await handler({ week: WEEK }, {} as never)).toMatchObject({ status: 'in_progress' });
    expect(s.published).toHaveLength(1);
    s.clock.advanceMinutes(2);
    expect(await handler({ week: WEEK }, {} as never)).toMatchObject({ status: 'published', built: false });
    s.clock.advanceMinutes(1);
    expect(await handler({ week: WEEK }, {} as never)).toMatchObject({ status: 'already_published' });
    expect(s.published).toHaveLength(2);
    expect(new Set(s.published.map((p) => p.text)).size).toBe(1);
    expect((await s.stored())?.publishedAt).toBeTruthy();
  });
});
