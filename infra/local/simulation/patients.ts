import { isInQuietHours, type Patient } from '#domain/patient.ts';
import type { Protocol, TemplateKey } from '#domain/protocol.ts';
import { createSeededUint32 } from '#domain/randomization.ts';
import { addDays, localToUtc, utcToLocal, visitDates } from '#domain/schedule.ts';
import type { LocalStack } from '../stack.ts';
import { answerRateAt, DAY, MINUTE, MODEL, MONTH_DAYS, pick, spread, TEXTS } from './behaviour.ts';
import type { ActionQueue } from './clock-driver.ts';
import type { SimPatient, SimulationOptions, SimulationRun, TextedEvent } from './types.ts';

/** Matches an outbound SMS against the protocol's templates: the simulated phone reads what it got. */
export function templateMatcher(protocol: Protocol) {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const patterns: { key: TemplateKey; re: RegExp }[] = [];
  for (const language of ['zh-CN', 'en'] as const) {
    for (const [key, template] of Object.entries(protocol.templates[language])) {
      const source = template.split(/\{\w+\}/).map(escape).join('[\\s\\S]*?');
      patterns.push({ key: key as TemplateKey, re: new RegExp(`^(?:【[^】]*】)?${source}$`) });
    }
  }
  return (body: string): TemplateKey | 'other' => patterns.find((p) => p.re.test(body))?.key ?? 'other';
}

export interface Cohort {
  byPhone: Map<string, SimPatient>;
  /** Sends a text as this patient now (or as a stranger when patient is null). */
  text(from: { phone: string; patient: SimPatient | null }, body: string, meant: TextedEvent['meant']): Promise<void>;
}

/** The patients: who they are, what they do over their months in the study, and how they answer each SMS. */
export function createCohort(stack: LocalStack, queue: ActionQueue, run: SimulationRun, options: SimulationOptions, api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>): Cohort {
  const protocol = stack.protocol;
  const zone = protocol.studyTimeZone;
  const classify = templateMatcher(protocol);
  const now = () => Date.parse(stack.clock.now());
  const startMs = Date.parse(options.start);
  const byPhone = new Map<string, SimPatient>();
  const master = createSeededUint32(`simulation:${options.seed}`);
  const masterRng = () => master() / 0x1_0000_0000;
  const lastDay = Math.min(protocol.endOfStudyDay, Math.floor(options.months * MONTH_DAYS));

  const text: Cohort['text'] = async (from, body, meant) => {
    const at = stack.clock.now();
    const { inboundMessageId } = await stack.textIn({ from: from.phone, body });
    run.texted.push({ inboundMessageId, from: from.phone, body, at, meant, studyId: from.patient?.studyId ?? null });
  };
  const within = (spans: [number, number][], t: number) => spans.some(([a, b]) => t >= a && t < b);
  /** Patients sleep: anything they would text in quiet hours waits for the morning. */
  const awake = (patient: SimPatient, t0: number) => {
    let t = t0;
    for (let guard = 0; guard < 48 && isInQuietHours(utcToLocal(new Date(t).toISOString(), patient.timeZone).localTime, protocol.quietHours); guard++) t += 30 * MINUTE;
    return t + Math.floor(patient.rng() * 20) * MINUTE;
  };
  const at = (patient: SimPatient, localDate: string, localTime: string) => Date.parse(localToUtc(localDate, localTime, patient.timeZone));
  const phaseOf = (patient: SimPatient): 'induction' | 'MMF' | 'LEF' => patient.arm ?? 'induction';
  const active = (patient: SimPatient) => !patient.withdrawnAt;

  // ---- what a patient does with each SMS they receive
  stack.gateway.onSend((sms) => {
    const patient = byPhone.get(sms.to);
    if (!patient || !active(patient)) return;
    const rng = patient.rng;
    const t = now();
    const kind = classify(sms.body);
    if (patient.autoResponder) {
      // The phone answers an SMS automatically within a minute, at most once per MODEL.autoReplyEveryMinutes
      // (as phones' busy/driving auto-replies do); the system's own replies to it are what reply budgets must cap.
      if (t - patient.lastAutoReplyAt < MODEL.autoReplyEveryMinutes * MINUTE) return;
      patient.lastAutoReplyAt = t;
      queue.push(t + MINUTE, async () => (active(patient) ? text({ phone: patient.phone, patient }, TEXTS.autoReply[patient.language], 'auto_reply') : undefined));
      return;
    }
    if (within(patient.silent, t)) return;
    const reply = (delay: number, body: string, meant: TextedEvent['meant']) =>
      queue.push(awake(patient, t + delay), async () => (active(patient) ? text({ phone: patient.phone, patient }, body, meant) : undefined));
    const delay = () => {
      const r = rng();
      if (r < MODEL.replyDelay.fast) return (1 + Math.floor(rng() * 30)) * MINUTE;
      if (r < MODEL.replyDelay.slow) return (30 + Math.floor(rng() * 150)) * MINUTE;
      return (390 + Math.floor(rng() * 480)) * MINUTE; // late: after the answer window
    };
    const month = (t - patient.enrolledAtMs) / DAY / MONTH_DAYS;
    switch (kind) {
      case 'dose.reminder':
      case 'dose.reminder.discreet': {
        if (rng() >= answerRateAt(patient.answerOffset, month)) break;
        const missed = within(patient.outOfSupply, t) || rng() < patient.pMiss;
        const saysMissed = missed && rng() < MODEL.honestWhenMissed;
        reply(delay(), pick(rng, saysMissed ? TEXTS.missed[patient.language] : TEXTS.taken[patient.language]), 'dose');
        break;
      }
      case 'checkin.screen':
        if (rng() < answerRateAt(patient.answerOffset, month)) reply(delay(), rng() < MODEL.sideEffects[phaseOf(patient)].weekly ? '1' : '2', 'checkin');
        break;
      case 'checkin.items_menu': {
        const likely = MODEL.sideEffects[phaseOf(patient)].items;
        const first = pick(rng, likely);
        const second = rng() < 0.3 ? pick(rng, likely) : first;
        reply((2 + Math.floor(rng() * 20)) * MINUTE, first === second ? String(first) : `${first} ${second}`, 'checkin');
        break;
      }
      case 'checkin.severity_question': {
        const r = rng();
        reply((1 + Math.floor(rng() * 10)) * MINUTE, r < 0.6 ? '1' : r < 0.93 ? '2' : r < 0.99 ? '3' : '4', 'checkin');
        break;
      }
      case 'checkin.screen_retry':
        reply(5 * MINUTE, '2', 'checkin');
        break;
      case 'checkin.items_retry':
      case 'checkin.severity_retry':
        reply(5 * MINUTE, '1', 'checkin');
        break;
      default:
        break;
    }
  });

  // ---- enrollment and each patient's course
  const enrollDays = Array.from({ length: options.patients }, () => Math.floor(masterRng() * Math.max(1, options.enrollDays)));
  enrollDays.sort((a, b) => a - b);
  const autoResponders = options.autoResponders ?? (options.patients >= 5 ? MODEL.autoResponders : 0);
  enrollDays.forEach((day, index) => {
    const rng0 = createSeededUint32(`simulation:${options.seed}:patient:${index}`);
    const rng = () => rng0() / 0x1_0000_0000;
    const language = rng() < 0.85 ? 'zh-CN' : 'en';
    const timeZone = rng() < 0.93 ? zone : pick(rng, ['America/Vancouver', 'Europe/London', 'Asia/Singapore']);
    const enrolledOn = addDays(utcToLocal(options.start, timeZone).localDate, day);
    const patient: SimPatient = {
      index,
      id: '',
      studyId: `SIM-${String(index + 1).padStart(3, '0')}`,
      phone: `+1201555${String(index + 100).padStart(4, '0')}`, // 555-01xx: reserved for fiction, yet a valid US number
      timeZone,
      language,
      enrolledOn,
      enrolledAtMs: Date.parse(localToUtc(enrolledOn, '00:00', timeZone)),
      arm: null,
      withdrawnAt: null,
      relapsed: false,
      answerOffset: spread(rng, MODEL.answerRate.patientSpread),
      pMiss: MODEL.missedDose.min + rng() * (MODEL.missedDose.max - MODEL.missedDose.min),
      // The auto-responder is a patient in the middle of the cohort (enrolled early enough to matter).
      lastAutoReplyAt: Number.NEGATIVE_INFINITY,
      autoResponder: autoResponders > 0 && index % Math.ceil(options.patients / autoResponders) === Math.floor(Math.ceil(options.patients / autoResponders) / 2),
      silent: [],
      outOfSupply: [],
      rng,
    };
    run.patients.push(patient);
    byPhone.set(patient.phone, patient);
    const morning = pick(rng, ['07:30', '08:00', '08:00', '08:30', '09:00']);
    const evening = pick(rng, ['19:00', '20:00', '20:00', '20:30', '21:00']);
    queue.push(Math.max(at(patient, enrolledOn, '10:00'), startMs + MINUTE), async () => {
      const answer = await api('POST', '/api/patients', {
        studyId: patient.studyId,
        phone: patient.phone,
        timeZone,
        language,
        enrolledOn,
        doseTimes: { morning, evening },
        prednisoneStartMg: pick(rng, [30, 40, 40, 50]),
        discreet: rng() < 0.2,
      });
      if (answer.status !== 201) return;
      patient.id = (answer.body as Patient).id;
      scheduleCourse(patient, answer.body as Patient);
    });
  });

  const scheduleCourse = (patient: SimPatient, stored: Patient) => {
    const rng = patient.rng;
    if (protocol.randomization.targetDay <= lastDay) {
      queue.push(at(patient, addDays(patient.enrolledOn, protocol.randomization.targetDay), '10:30'), async () => {
        if (!active(patient)) return;
        const answer = await api('POST', `/api/patients/${patient.id}/randomization`, { method: 'draw' });
        if (answer.status < 300) patient.arm = (answer.body as Patient).arm;
      });
    }
    // Visits: completed on the day, RI and the physician's relapse decision.
    for (const visit of visitDates(protocol, stored)) {
      if (visit.key === 'baseline') continue;
      const day = Math.round((Date.parse(visit.date) - Date.parse(patient.enrolledOn)) / DAY);
      if (day > lastDay) continue;
      queue.push(at(patient, visit.date, '11:00'), async () => {
        if (!active(patient)) return;
        const p = MODEL.relapsePerMaintenanceVisit[phaseOf(patient)];
        const relapse = !patient.relapsed && rng() < p;
        if (relapse) patient.relapsed = true;
        await api('POST', `/api/patients/${patient.id}/visits`, {
          kind: 'completed',
          visitKey: visit.key,
          date: visit.date,
          // RI worksheet (the total is computed): quiet visits score only serum IgG4; a relapse is a new organ scored 3
          worksheet: relapse
            ? { sites: [{ site: pick(rng, ['submandibular_glands', 'pancreas', 'lacrimal_glands', 'retroperitoneum']), score: 3 }], serumIgG4: 2 }
            : { sites: [], serumIgG4: rng() < 0.5 ? 0 : 1 },
          response: relapse ? 'none' : rng() < 0.7 ? 'complete' : 'partial',
          relapse: { decision: relapse, ...(relapse ? { reason: 'physician judgement (simulated)' } : {}) },
        });
      });
    }
    if (rng() < (options.withdrawRate ?? MODEL.withdrawRate)) {
      const day = 20 + Math.floor(rng() * Math.max(1, lastDay - 20));
      queue.push(at(patient, addDays(patient.enrolledOn, day), '15:00'), async () => {
        if (!active(patient)) return;
        const answer = await api('POST', `/api/patients/${patient.id}/status`, { action: 'withdraw', reason: 'patient decision (simulated)' });
        if (answer.status < 300) patient.withdrawnAt = stack.clock.now();
      });
    }
    if (rng() < (options.optOutRate ?? MODEL.optOutRate)) {
      const day = 10 + Math.floor(rng() * Math.max(1, lastDay - 10));
      const back = rng() < 0.5 ? day + 7 + Math.floor(rng() * 24) : null;
      const record = { phone: patient.phone, stopAt: '', startAt: null as string | null };
      run.optOuts.push(record);
      queue.push(at(patient, addDays(patient.enrolledOn, day), '12:10'), async () => {
        record.stopAt = stack.clock.now();
        await text({ phone: patient.phone, patient }, patient.language === 'en' ? 'STOP' : pick(rng, ['TD', '退订']), 'opt_out');
      });
      if (back !== null && back <= lastDay) {
        queue.push(at(patient, addDays(patient.enrolledOn, back), '12:20'), async () => {
          record.startAt = stack.clock.now();
          await text({ phone: patient.phone, patient }, patient.language === 'en' ? 'START' : '订阅', 'opt_in');
        });
      }
    }
    // Day by day: silent spells, supply problems, red flags and relapse signs.
    const perDay = (perMonth: number) => perMonth / MONTH_DAYS;
    for (let day = 1; day <= lastDay; day++) {
      const dayStart = patient.enrolledAtMs + day * DAY;
      if (rng() < perDay(MODEL.silentSpell.perMonth)) {
        const days = MODEL.silentSpell.minDays + Math.floor(rng() * (MODEL.silentSpell.maxDays - MODEL.silentSpell.minDays + 1));
        patient.silent.push([dayStart, dayStart + days * DAY]);
      }
      if (rng() < perDay(MODEL.supply.perMonth)) {
        const days = MODEL.supply.minDays + Math.floor(rng() * (MODEL.supply.maxDays - MODEL.supply.minDays + 1));
        patient.outOfSupply.push([dayStart, dayStart + days * DAY]);
        const time = `${String(10 + Math.floor(rng() * 9)).padStart(2, '0')}:${String(Math.floor(rng() * 60)).padStart(2, '0')}`;
        const body = pick(rng, TEXTS.supply[patient.language]);
        queue.push(at(patient, addDays(patient.enrolledOn, day), time), async () => (active(patient) ? text({ phone: patient.phone, patient }, body, 'supply') : undefined));
      }
      const induction = day <= protocol.randomization.targetDay;
      const redFlag = rng() < (induction ? MODEL.redFlagPerDay.induction : MODEL.redFlagPerDay.maintenance);
      const relapseSign = rng() < MODEL.relapseSignPerDay;
      if (!redFlag && !relapseSign) continue;
      const time = `${String(9 + Math.floor(rng() * 11)).padStart(2, '0')}:${String(Math.floor(rng() * 60)).padStart(2, '0')}`;
      queue.push(at(patient, addDays(patient.enrolledOn, day), time), async () => {
        if (!active(patient)) return;
        if (redFlag) await text({ phone: patient.phone, patient }, pick(rng, TEXTS.redFlag[phaseOf(patient)]), 'red_flag');
        else await text({ phone: patient.phone, patient }, pick(rng, TEXTS.relapse), 'relapse');
      });
    }
  };

  // ---- strangers: an unknown number that floods the study number for a few days
  const floods = options.floodingNumbers ?? MODEL.flood.numbers;
  for (let n = 0; n < floods; n++) {
    const phone = `+8613900${String(n).padStart(6, '0')}`;
    const firstDay = Math.min(MODEL.flood.startDay, Math.max(1, Math.floor((lastDay + options.enrollDays) / 3)));
    for (let day = 0; day < MODEL.flood.days; day++) {
      for (let i = 0; i < MODEL.flood.perDay; i++) {
        const t = startMs + (firstDay + day) * DAY + 2 * 3_600_000 + Math.floor(masterRng() * 12 * 3_600_000);
        const body = pick(masterRng, TEXTS.flood);
        queue.push(t, () => text({ phone, patient: null }, body, 'flood'));
      }
    }
  }

  return { byPhone, text };
}
