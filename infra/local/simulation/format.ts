import type { SimulationSummary } from './metrics.ts';

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/** The terminal summary. */
export function formatSummary(s: SimulationSummary): string {
  const lines = [
    `Simulation, seed ${s.seed} (${s.store} store): ${s.patients} patients, ${s.simulatedDays} days, ${s.patientMonths} patient-months (wall ${s.wallSeconds} s, CPU user ${s.cpuSeconds.user} s)`,
    `SMS sent        ${s.smsSent} (${s.smsParts} parts): ${s.smsPerPatientMonth} SMS and ${s.partsPerPatientMonth} parts per patient-month`,
    `  by kind       ${Object.entries(s.smsByKind).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `Estimated cost  US$ ${s.costUsd.toFixed(2)} at US$ ${s.costPerPartUsd} per part (≈ US$ ${(s.costUsd / Math.max(1, s.patientMonths)).toFixed(2)} per patient-month)`,
    `Patient texts   ${s.inbound.texted} sent, ${s.inbound.stored} stored (${Object.entries(s.inbound.byMeaning).map(([k, n]) => `${k} ${n}`).join(', ')})`,
    `Pushes          per coordinator-week: urgent ${s.pushesPerCoordinatorWeek.urgent}, routine ${s.pushesPerCoordinatorWeek.routine} (${s.coordinators} coordinators; ${s.pushes.urgent} urgent, ${s.pushes.routine} routine, at most ${s.pushes.maxRoutinePerWorkingDay} routine a day; ${s.pushes.escalations} escalations, ${s.pushes.digests} digests)`,
    `Worklist items  ${s.items.total} rows (${s.items.urgent} urgent, ${s.items.routine} routine): ${s.itemsPerPatientWeek} per patient-week; ${s.items.episodes} episodes (${s.episodesPerPatientWeek} per patient-week, ${s.items.grouped} filed under an open item); episodes by rule ${Object.entries(s.items.byRule).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `  most rows     ${s.items.topPatients.slice(0, 5).map((p) => `${p.studyId} ${p.rows}`).join(', ')}`,
    `Red flags       ${s.redFlagPushMinutes.count} texted, ${s.redFlagPushMinutes.pushed} pushed (max ${s.redFlagPushMinutes.max ?? '—'} min, median ${s.redFlagPushMinutes.median ?? '—'} min), ${s.redFlagPushMinutes.notPushed} not pushed`,
    `Reports         ${s.reports.total} with side effects or symptoms, ${s.reports.redFlags} red flags`,
    `Adherence       confirmed taken: induction ${pct(s.adherence.induction)}, MMF ${pct(s.adherence.MMF)}, LEF ${pct(s.adherence.LEF)} (of the answered: induction ${pct(s.adherenceOfAnswered.induction)}, MMF ${pct(s.adherenceOfAnswered.MMF)}, LEF ${pct(s.adherenceOfAnswered.LEF)}); ${Object.entries(s.adherenceDetail).map(([g, d]) => `${g} reported missed ${d.reportedMissed}, no reply ${d.noReply} of ${d.total}`).join('; ')}`,
    `Relapse         ${Object.entries(s.relapse).sort(([a], [b]) => a.localeCompare(b)).map(([arm, r]) => `${arm} ${r.relapsed}/${r.patients} (${pct(r.rate)})`).join('; ')}`,
    ...(s.dynamoRequests.total ? [`DynamoDB        ${s.dynamoRequests.total} requests: ${Object.entries(s.dynamoRequests.byCaller).sort(([, a], [, b]) => b - a).map(([k, n]) => `${k} ${n}`).join(', ')}`] : []),
    `Withdrawals ${s.withdrawals}, SMS opt-outs ${s.optOuts}; coordinator rounds ${s.coordinatorRounds}; failed scheduled runs ${s.failedJobs}; API errors ${s.apiErrors}`,
    '',
    `Final digest (${s.digestWeek ?? 'none'}):`,
    s.digestText ?? '(no digest)',
  ];
  return lines.join('\n');
}
