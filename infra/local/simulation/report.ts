import { barChart, escapeHtml, lineChart } from './charts.ts';
import type { SimulationSummary } from './metrics.ts';

const C = { blue: '#2f6fb3', orange: '#e0832a', red: '#c23b3b', green: '#3a8f4b', grey: '#9aa3ad', purple: '#7a4fb3' };
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/** simulation-report.html: one self-contained file (inline CSS and SVG, no script, no network). */
export function renderReport(s: SimulationSummary, generatedAt: string): string {
  const weeks = s.series.weeks;
  const weekLabels = weeks.map((w) => w.week.replace(/^\d{4}-/, ''));
  const months = s.series.months.filter((m) => m.patientMonths > 0);
  const monthLabels = months.map((m) => m.month);

  const smsPerWeek = barChart('sms-per-week', 'SMS and parts per week', weekLabels, [
    { name: 'SMS', values: weeks.map((w) => w.sms), color: C.blue },
    { name: 'extra parts', values: weeks.map((w) => w.parts - w.sms), color: C.orange },
  ]);
  const costPerPatientMonth = lineChart('sms-per-patient-month', 'SMS, parts and cost (US$) per patient-month, by calendar month', monthLabels, [
    { name: 'SMS / patient-month', values: months.map((m) => m.sms / m.patientMonths), color: C.blue },
    { name: 'parts / patient-month', values: months.map((m) => m.parts / m.patientMonths), color: C.orange },
    { name: 'US$ ×10 / patient-month', values: months.map((m) => (10 * m.costUsd) / m.patientMonths), color: C.green },
  ]);

  const adherenceCharts = (['induction', 'MMF', 'LEF'] as const).map((group) => {
    const points = s.series.adherence.filter((p) => p.group === group);
    const labels = points.map((p) => `m${p.studyMonth + 1}`);
    const share = (f: (p: (typeof points)[number]) => number) => points.map((p) => {
      const total = p.confirmed + p.reportedMissed + p.noReply;
      return total ? (100 * f(p)) / total : null;
    });
    return barChart(`adherence-${group}`, `Dose check-ins, ${group === 'induction' ? 'induction (all patients)' : `maintenance ${group}`}: confirmed, reported missed, no reply (% per study month)`, labels, [
      { name: 'confirmed taken', values: share((p) => p.confirmed), color: C.green },
      { name: 'reported missed', values: share((p) => p.reportedMissed), color: C.orange },
      { name: 'no reply', values: share((p) => p.noReply), color: C.grey },
    ], { unit: '%', note: points.length ? undefined : 'No dose check-ins in this group in this run.' });
  });

  const pushes = barChart('pushes-per-week', 'Pushes to coordinators per week (urgent, routine) and escalations', weekLabels, [
    { name: 'urgent', values: weeks.map((w) => w.urgentPushes), color: C.red },
    { name: 'routine', values: weeks.map((w) => w.routinePushes), color: C.blue },
    { name: 'escalations', values: weeks.map((w) => w.escalations), color: C.purple },
  ]);
  const items = lineChart('items-per-patient-week', 'Worklist items created per patient-week (goal ≤ 0.3)', weekLabels, [
    { name: 'items per patient-week', values: weeks.map((w) => (w.activePatients ? w.itemsCreated / w.activePatients : null)), color: C.blue },
    { name: 'goal 0.3', values: weeks.map(() => 0.3), color: C.grey },
  ]);
  const rf = s.series.redFlags;
  const redFlags = barChart('red-flags', 'Red flags texted and minutes from the text to the urgent push (each bar one red flag)', rf.map((r) => `${r.studyId} ${r.at.slice(5, 10)}`), [
    { name: 'minutes to push', values: rf.map((r) => (r.minutesToPush === null ? null : Math.max(r.minutesToPush, 0.05))), color: C.red },
  ], { stacked: false, unit: ' min', note: rf.length ? `${s.redFlagPushMinutes.pushed} of ${rf.length} pushed; max ${s.redFlagPushMinutes.max ?? '—'} min. A bar at the axis means pushed within the same minute.` : 'No red flag texted in this run.' });
  const arms = Object.keys(s.relapse).sort();
  const relapses = barChart('relapses', 'Relapses per arm (physician-recorded at visits)', arms, [
    { name: 'relapsed', values: arms.map((a) => s.relapse[a]!.relapsed), color: C.red },
    { name: 'no relapse', values: arms.map((a) => s.relapse[a]!.patients - s.relapse[a]!.relapsed), color: C.green },
  ]);

  const row = (k: string, v: string) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`;
  const headline = [
    row('Patients / months each / patient-months', `${s.patients} / ${s.months} / ${s.patientMonths}`),
    row('SMS sent (parts)', `${s.smsSent} (${s.smsParts})`),
    row('Estimated SMS cost', `US$ ${s.costUsd.toFixed(2)} (US$ ${s.costPerPartUsd} per part; ${s.partsPerPatientMonth} parts per patient-month)`),
    row('Pushes per coordinator-week', `urgent ${s.pushesPerCoordinatorWeek.urgent}, routine ${s.pushesPerCoordinatorWeek.routine} (${s.coordinators} coordinators; at most ${s.pushes.maxRoutinePerWorkingDay} routine pushes in one day)`),
    row('Worklist items per patient-week', `${s.itemsPerPatientWeek} (${s.items.total} rows: ${s.items.urgent} urgent, ${s.items.routine} routine; ${s.items.episodes} episodes, ${s.episodesPerPatientWeek} per patient-week)`),
    row('Red flag → push', `${s.redFlagPushMinutes.pushed}/${s.redFlagPushMinutes.count} pushed, max ${s.redFlagPushMinutes.max ?? '—'} min`),
    row('Confirmed adherence', `induction ${pct(s.adherence.induction)}, MMF ${pct(s.adherence.MMF)}, LEF ${pct(s.adherence.LEF)}`),
    row('Confirmed of the answered', `induction ${pct(s.adherenceOfAnswered.induction)}, MMF ${pct(s.adherenceOfAnswered.MMF)}, LEF ${pct(s.adherenceOfAnswered.LEF)} (no reply is not a missed dose)`),
    row('Run', `seed ${s.seed}, ${s.store} store, wall ${s.wallSeconds} s, CPU ${s.cpuSeconds.user} s user`),
  ].join('');
  const rules = Object.entries(s.items.byRule)
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => row(k, String(n)))
    .join('');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trial dry run: ${s.patients} patients, ${s.months} months</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:24px auto;max-width:820px;color:#1d2430;padding:0 12px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #dde2e8;padding-bottom:4px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eef1f4;vertical-align:top}th{font-weight:600;width:45%}
figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}svg{width:100%;height:auto;background:#fbfcfd;border:1px solid #eef1f4}
svg text{font-size:10px;fill:#5b6573}.grid{stroke:#e6e9ee}.legend span{margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.note{color:#5b6573;font-size:12px}pre{white-space:pre-wrap;background:#f5f7f9;padding:12px;border:1px solid #e6e9ee;font-size:12px}
</style></head><body>
<h1>Trial dry run · 模拟运行: ${s.patients} patients, ${escapeHtml(String(s.months))} months each</h1>
<p class="note">Generated ${escapeHtml(generatedAt)} by <code>npm run simulate</code>. Synthetic patients (calibrated behaviour model, docs/simulation-model.md) through the same handlers and use cases as on AWS.</p>
<table>${headline}</table>
<h2>SMS and cost · 短信与费用</h2>${smsPerWeek}${costPerPatientMonth}
<h2>Adherence · 依从性</h2>${adherenceCharts.join('')}
<h2>Coordinators · 协调员</h2>${pushes}${items}
<h3>Which rule raised what</h3><table>${rules || row('none', '0')}</table>
<h2>Red flags · 危险信号</h2>${redFlags}
<h2>Relapses · 复发</h2>${relapses}
<h2>Final digest · 最后一周摘要 (${escapeHtml(s.digestWeek ?? 'none')})</h2><pre>${escapeHtml(s.digestText ?? '(no digest)')}</pre>
</body></html>
`;
}
