import { isWorkingDay } from '#domain/working-time.ts';
import { createSeededUint32 } from '#domain/randomization.ts';
import { addDays, localToUtc, utcToLocal } from '#domain/schedule.ts';
import type { LocalStack } from '../stack.ts';
import { DAY, MODEL } from './behaviour.ts';
import type { ActionQueue } from './clock-driver.ts';
import type { SimulationOptions, SimulationRun } from './types.ts';

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

const reviewOutcome = (interpretation: { redFlag?: boolean; relapseSignal?: boolean; items?: unknown[] }) =>
  interpretation.redFlag ? 'contacted_patient' : interpretation.relapseSignal ? 'possible_relapse_visit_scheduled' : (interpretation.items?.length ?? 0) > 0 ? 'adverse_event_recorded' : 'no_action';

/**
 * Coordinators work the lists through the API on working days (MODEL.coordinatorRounds): the
 * review queue, then every open worklist item, acknowledged with a note. Urgent pushes are
 * acted on by the round that follows them (the escalation path covers the time in between).
 */
export function scheduleCoordinators(stack: LocalStack, queue: ActionQueue, run: SimulationRun, options: SimulationOptions, api: Api, endMs: number): void {
  const protocol = stack.protocol;
  const zone = protocol.studyTimeZone;
  const startMs = Date.parse(options.start);
  const rng0 = createSeededUint32(`simulation:${options.seed}:coordinators`);
  const rng = () => rng0() / 0x1_0000_0000;

  const round = async () => {
    run.rounds++;
    for (let guard = 0; guard < 50; guard++) {
      const page = (await api('GET', '/api/reports?status=open&limit=200')).body as { items?: { id: string; interpretation: { redFlag?: boolean; relapseSignal?: boolean; items?: { term: string; grade: number | null }[] } }[] };
      if (!page.items?.length) break;
      for (const report of page.items) {
        await api('POST', `/api/reports/${report.id}/review`, { outcome: reviewOutcome(report.interpretation), note: 'simulated review', confirmedItems: report.interpretation.items ?? [] });
      }
    }
    for (let guard = 0; guard < 50; guard++) {
      const alerts = (await api('GET', '/api/alerts?status=open&limit=200')).body as { items?: { id: string; urgent?: boolean }[] };
      if (!alerts.items?.length) break;
      for (const alert of alerts.items) await api('POST', `/api/alerts/${alert.id}/acknowledge`, { note: alert.urgent ? 'simulated: patient called' : 'simulated: reviewed on the worklist' });
      if (alerts.items.length < 200) break;
    }
  };

  // The site's working days: the protocol's weekdays and calendar (holidays off, make-up weekend days on).
  for (let day = 0; startMs + day * DAY < endMs; day++) {
    const date = addDays(utcToLocal(options.start, zone).localDate, day);
    if (!isWorkingDay(date, protocol.alerts.workingHours.weekdays, protocol.alerts.calendar)) continue;
    for (const { time, chance } of MODEL.coordinatorRounds) if (rng() < chance) queue.push(Date.parse(localToUtc(date, time, zone)), round);
  }
}
