import type { LocalStack } from '../stack.ts';
import type { OutboxEntry } from '../sms-gateway.ts';

export interface SimulationOptions {
  seed: number;
  patients: number;
  /** Follow-up per patient, months (the protocol ends at 18). */
  months: number;
  /** Enrollment spreads over this many days from the start. */
  enrollDays: number;
  start: string;
  coordinators: number;
  costPerPartUsd: number;
  /** Share of patients who text STOP at some point (half of them START again later). */
  optOutRate?: number;
  /** Share of patients withdrawn by the coordinators. */
  withdrawRate?: number;
  /** Patients whose phone auto-replies to every SMS (default 1, or 0 when the cohort is under 5). */
  autoResponders?: number;
  /** Unknown numbers that flood the study number (default 1). */
  floodingNumbers?: number;
  /** A data dir to keep the run's outbox and inbox in (and dynalite's files with store=dynalite); default: in memory. */
  dataDir?: string | null;
  /** 'memory' (default): the in-memory repositories; 'dynalite': the DynamoDB adapters on dynalite (slow, faithful). */
  store?: 'memory' | 'dynalite';
  /** A protocol file to run instead of the study's (the stack validates it like the deployed functions do). */
  protocolPath?: string;
  /** Progress lines (simulated date, % done, ETA). */
  progress?: (line: string, final: boolean) => void;
  /** Called with the stack before it closes (tests check invariants against the store). */
  inspect?: (stack: LocalStack, run: SimulationRun) => Promise<void>;
}

export interface SimPatient {
  index: number;
  id: string;
  studyId: string;
  phone: string;
  timeZone: string;
  language: 'zh-CN' | 'en';
  enrolledOn: string;
  enrolledAtMs: number;
  arm: 'MMF' | 'LEF' | null;
  withdrawnAt: string | null;
  relapsed: boolean;
  /** Personal offset on the population answer rate. */
  answerOffset: number;
  /** True missed doses per dose. */
  pMiss: number;
  autoResponder: boolean;
  lastAutoReplyAt: number;
  /** [from, to) instants (ms) without any reply. */
  silent: [number, number][];
  /** [from, to) instants (ms) out of medicine. */
  outOfSupply: [number, number][];
  rng: () => number;
}

export interface TextedEvent {
  inboundMessageId: string;
  from: string;
  body: string;
  at: string;
  /** What the simulated sender meant (the model's truth, not the system's reading). */
  meant: 'dose' | 'checkin' | 'red_flag' | 'relapse' | 'supply' | 'auto_reply' | 'flood' | 'opt_out' | 'opt_in';
  studyId: string | null;
}

export interface SimulationRun {
  patients: SimPatient[];
  /** Every SMS the patients (and strangers) sent, in order, with the id it carried. */
  texted: TextedEvent[];
  /** STOP / START as texted (the gateway must stay silent in between, but for the confirmation). */
  optOuts: { phone: string; stopAt: string; startAt: string | null }[];
  outbox: OutboxEntry[];
  failedJobs: number;
  apiErrors: string[];
  /** Coordinator rounds done (working the worklist and the review queue). */
  rounds: number;
}
