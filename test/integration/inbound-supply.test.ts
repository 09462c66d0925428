/**
 * Issue 12 part 3 / issue 17: a supply problem ("药吃完了", "ran out of prednisone") after a dose
 * reminder is not a dose answer: the check-in is not marked taken (today "药吃完了" read as
 * "dose taken": a gap in the steroid counted as adherence); the reply is queued for review with
 * intent `supply` and the drug named. An explicit dose answer in another clause still counts.
 */
import { describe, expect, it } from 'vitest';
import { reportIdFor } from '#app/inbound/index.ts';
import { loadProtocolFile } from '#config/protocol-loader.ts';
import { useLocalDynamo } from '../support/dynamo.ts';
import { afterMorningReminder as sentMorningReminder } from '../support/morning-reminder.ts';

const protocol = loadProtocolFile();
const local = useLocalDynamo();
const afterMorningReminder = () => sentMorningReminder(local, protocol);

describe('supply replies on the inbound path', () => {
  it.each(['药吃完了', '泼尼松吃完了，还没去医院拿药', 'I ran out of prednisone'])('%j after the dose reminder: not recorded as taken, queued as supply with the drug', async (body) => {
    const { deps, patient, item, deliver } = await afterMorningReminder();
    const result = await deliver(body);
    expect(result.intent).toBe('supply');
    expect((await deps.reminders.get(patient.id, item.id, item.dueAt))?.outcome).not.toBe('taken');
    const report = await deps.reports.get(reportIdFor(result.inboundMessageId));
    expect(report?.interpretation.intent).toBe('supply');
    expect(report?.interpretation.doseAnswer).toBeUndefined();
    if (body !== '药吃完了') expect(report?.interpretation.supplyDrugs).toEqual(['prednisone']);
  });

  it('"吃了，不过药快没了": the dose is recorded as taken and the supply problem is queued', async () => {
    const { deps, patient, item, deliver } = await afterMorningReminder();
    const result = await deliver('吃了，不过药快没了');
    expect(result.intent).toBe('supply');
    expect((await deps.reminders.get(patient.id, item.id, item.dueAt))?.outcome).toBe('taken');
    expect((await deps.reports.get(reportIdFor(result.inboundMessageId)))?.interpretation).toMatchObject({ intent: 'supply', doseAnswer: 'taken' });
  });
});
