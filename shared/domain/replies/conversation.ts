/**
 * The weekly side-effect check-in as a short SMS conversation (pure state machine).
 *
 *   screen  "Any new symptoms in the past 7 days? Y/N"      yes → items; no → done (thanks)
 *   items   numbered menu, reply "2 5" / "无"                 keys → severity for each; none → done
 *   severity one question per selected item, 0–4             last one → done (thanks / thanks_urgent)
 *
 * - Free-text symptoms at screen/items select the menu items with the same CTCAE term.
 * - Presence items (`attribute: 'presence'`, e.g. fever, jaundice, pregnancy) are not asked a
 *   severity: they are recorded with severity null (present, not rated).
 * - An unreadable reply is re-asked once (`*_retry` template); a second one closes the
 *   conversation with the answers so far (`checkin.closed_unreadable`).
 * - A red flag in any reply, or a severity ≥ 3, makes the closing message `checkin.thanks_urgent`.
 * - Timeouts are measured from the current step's start (`stepStartedAt`); a timed-out
 *   conversation keeps its partial answers, unrated selected items get severity null.
 * - STOP (opt_out) closes the conversation the same way: partial answers kept, unrated selected
 *   items with severity null, no closing text (the STOP confirmation is sent instead).
 * - Composite grade for the report: PRO-CTCAE severity-only mapping 0,1,2,3,3 (Basch et al. 2021).
 */
import type { Interpretation, InterpretedItem, SeverityValue } from './interpretation.ts';
import { compositeGradeFromSeverity, type OpenQuestion } from './interpret.ts';

export interface ProItem {
  key: string;
  term: string;
  /** 'severity' (default): asked 0–4; 'presence': a yes/no item, recorded with severity null. */
  attribute?: 'severity' | 'presence';
}

export type ConversationStep = 'screen' | 'items' | 'severity' | 'done';
export type ConversationEndReason = 'completed' | 'timed_out' | 'unreadable' | 'opted_out';

export interface ConversationItemAnswer {
  key: string;
  term: string;
  /** 0–4; null = present but not rated (presence item, or timed out before rating). */
  severity: SeverityValue | null;
}

export interface ConversationState {
  checkInId: string;
  step: ConversationStep;
  startedAt: string;
  stepStartedAt: string;
  selected: { key: string; term: string }[];
  /** Index into `selected` of the item whose severity is being asked. */
  severityIndex: number;
  answers: ConversationItemAnswer[];
  /** Re-asks already sent at the current step (at most 1). */
  reasks: number;
  /** A red flag was seen during the conversation. */
  urgent: boolean;
  endReason: ConversationEndReason | null;
}

export interface TemplateReply {
  templateKey: string;
  params: Record<string, string>;
}

export interface AdvanceResult {
  state: ConversationState;
  reply: TemplateReply | null;
  completed: boolean;
}

export const TEMPLATE_KEYS = {
  screen: 'checkin.screen',
  screenRetry: 'checkin.screen_retry',
  itemsMenu: 'checkin.items_menu',
  itemsRetry: 'checkin.items_retry',
  severity: 'checkin.severity_question',
  severityRetry: 'checkin.severity_retry',
  thanks: 'checkin.thanks',
  thanksUrgent: 'checkin.thanks_urgent',
  closedUnreadable: 'checkin.closed_unreadable',
} as const;

export function startConversation(checkInId: string, now: string): ConversationState {
  return {
    checkInId,
    step: 'screen',
    startedAt: now,
    stepStartedAt: now,
    selected: [],
    severityIndex: 0,
    answers: [],
    reasks: 0,
    urgent: false,
    endReason: null,
  };
}

function isPresence(key: string, proItems: readonly ProItem[]): boolean {
  return proItems.find((p) => p.key === key)?.attribute === 'presence';
}

function nextSeverityIndex(selected: readonly { key: string }[], from: number, proItems: readonly ProItem[]): number {
  let i = from;
  while (i < selected.length && isPresence(selected[i]!.key, proItems)) i++;
  return i;
}

function menuParams(proItems: readonly ProItem[]): Record<string, string> {
  return { count: String(proItems.length), keys: proItems.map((p) => p.key).join(',') };
}

function severityParams(state: ConversationState, proItems: readonly ProItem[]): Record<string, string> {
  const item = state.selected[state.severityIndex];
  const asked = state.selected.filter((s) => !isPresence(s.key, proItems));
  const position = asked.findIndex((s) => s.key === item?.key);
  return { key: item?.key ?? '', term: item?.term ?? '', index: String(position + 1), total: String(asked.length) };
}

/** The question to send for the current step (first ask), or null when done. */
export function promptFor(state: ConversationState, proItems: readonly ProItem[]): TemplateReply | null {
  switch (state.step) {
    case 'screen':
      return { templateKey: TEMPLATE_KEYS.screen, params: {} };
    case 'items':
      return { templateKey: TEMPLATE_KEYS.itemsMenu, params: menuParams(proItems) };
    case 'severity':
      return { templateKey: TEMPLATE_KEYS.severity, params: severityParams(state, proItems) };
    default:
      return null;
  }
}

/** The OpenQuestion to pass to interpretReply while this conversation waits for a reply. */
export function openQuestionFor(state: ConversationState, proItems: readonly ProItem[]): OpenQuestion | null {
  switch (state.step) {
    case 'screen':
      return { kind: 'side_effect_screen', checkInId: state.checkInId };
    case 'items':
      return { kind: 'side_effect_items', checkInId: state.checkInId, items: proItems.map((p) => ({ key: p.key, term: p.term })) };
    case 'severity': {
      const item = state.selected[state.severityIndex];
      return item ? { kind: 'side_effect_severity', checkInId: state.checkInId, itemKey: item.key, term: item.term } : null;
    }
    default:
      return null;
  }
}

function finish(state: ConversationState, endReason: ConversationEndReason, now: string): AdvanceResult {
  const done: ConversationState = { ...state, step: 'done', stepStartedAt: now, endReason };
  let reply: TemplateReply | null = null;
  if (endReason === 'completed') reply = { templateKey: state.urgent ? TEMPLATE_KEYS.thanksUrgent : TEMPLATE_KEYS.thanks, params: {} };
  if (endReason === 'unreadable') reply = { templateKey: state.urgent ? TEMPLATE_KEYS.thanksUrgent : TEMPLATE_KEYS.closedUnreadable, params: {} };
  return { state: done, reply, completed: true };
}

function reask(state: ConversationState, proItems: readonly ProItem[], now: string): AdvanceResult {
  if (state.reasks >= 1) return finish(withUnrated(state), 'unreadable', now);
  const next: ConversationState = { ...state, reasks: state.reasks + 1, stepStartedAt: now };
  const key = state.step === 'screen' ? TEMPLATE_KEYS.screenRetry : state.step === 'items' ? TEMPLATE_KEYS.itemsRetry : TEMPLATE_KEYS.severityRetry;
  const params = state.step === 'items' ? menuParams(proItems) : state.step === 'severity' ? severityParams(state, proItems) : {};
  return { state: next, reply: { templateKey: key, params }, completed: false };
}

/** Selected items not yet answered, recorded as present-but-unrated. */
function withUnrated(state: ConversationState): ConversationState {
  const answered = new Set(state.answers.map((a) => a.key));
  const rest = state.selected.filter((s) => !answered.has(s.key)).map((s) => ({ key: s.key, term: s.term, severity: null }));
  return { ...state, answers: [...state.answers, ...rest] };
}

function enterSelection(state: ConversationState, keys: readonly string[], proItems: readonly ProItem[], now: string): AdvanceResult {
  const selected = proItems.filter((p) => keys.includes(p.key)).map((p) => ({ key: p.key, term: p.term }));
  const presence = selected.filter((s) => isPresence(s.key, proItems)).map((s) => ({ ...s, severity: null }));
  const base: ConversationState = { ...state, selected, answers: [...state.answers, ...presence], reasks: 0, stepStartedAt: now };
  const idx = nextSeverityIndex(selected, 0, proItems);
  if (idx >= selected.length) return finish(base, 'completed', now);
  const next: ConversationState = { ...base, step: 'severity', severityIndex: idx };
  return { state: next, reply: { templateKey: TEMPLATE_KEYS.severity, params: severityParams(next, proItems) }, completed: false };
}

function keysFromFreeText(items: readonly InterpretedItem[], proItems: readonly ProItem[]): string[] {
  return proItems.filter((p) => items.some((i) => i.term === p.term)).map((p) => p.key);
}

/** Feed one interpreted reply into the conversation. */
export function advanceConversation(
  state: ConversationState,
  interpretation: Interpretation,
  proItems: readonly ProItem[],
  now: string,
): AdvanceResult {
  if (state.step === 'done') return { state, reply: null, completed: true };
  // STOP ends the check-in with what it has: selected items not yet rated are kept (severity null).
  if (interpretation.intent === 'opt_out') return { ...finish(withUnrated(state), 'opted_out', now), reply: null };
  if (interpretation.intent === 'help' || interpretation.intent === 'opt_in') return { state, reply: null, completed: false };

  const s: ConversationState = { ...state, urgent: state.urgent || interpretation.redFlag };
  const ans = interpretation.answer;
  const freeText = interpretation.intent === 'side_effect' || interpretation.intent === 'symptom';

  switch (s.step) {
    case 'screen': {
      if (ans?.kind === 'yes_no' && !ans.value && !freeText) return finish(s, 'completed', now);
      if ((ans?.kind === 'yes_no' && ans.value) || freeText) {
        const keys = keysFromFreeText(interpretation.items, proItems);
        if (keys.length > 0) return enterSelection(s, keys, proItems, now);
        const next: ConversationState = { ...s, step: 'items', reasks: 0, stepStartedAt: now };
        return { state: next, reply: { templateKey: TEMPLATE_KEYS.itemsMenu, params: menuParams(proItems) }, completed: false };
      }
      return reask(s, proItems, now);
    }
    case 'items': {
      const keys = ans?.kind === 'items' ? ans.keys.filter((k) => proItems.some((p) => p.key === k)) : [];
      for (const k of keysFromFreeText(interpretation.items, proItems)) if (!keys.includes(k)) keys.push(k);
      if (keys.length > 0) return enterSelection(s, keys, proItems, now);
      if (ans?.kind === 'items' || freeText) return finish(s, 'completed', now); // "无", or symptoms not on the menu (kept by the reply record)
      return reask(s, proItems, now);
    }
    case 'severity': {
      const item = s.selected[s.severityIndex];
      if (!item) return finish(s, 'completed', now);
      if (ans?.kind !== 'severity') return reask(s, proItems, now);
      const answers = [...s.answers, { key: item.key, term: item.term, severity: ans.value }];
      const urgent = s.urgent || ans.value >= 3;
      const idx = nextSeverityIndex(s.selected, s.severityIndex + 1, proItems);
      const next: ConversationState = { ...s, answers, urgent, reasks: 0, stepStartedAt: now, severityIndex: idx };
      if (idx >= s.selected.length) return finish(next, 'completed', now);
      return { state: next, reply: { templateKey: TEMPLATE_KEYS.severity, params: severityParams(next, proItems) }, completed: false };
    }
    default:
      return { state: s, reply: null, completed: true };
  }
}

export interface ExpireResult {
  state: ConversationState;
  timedOut: boolean;
  partialAnswers: ConversationItemAnswer[];
}

/** Close the conversation if the current step has waited `timeoutMinutes` or more. Invalid timestamps never time out. */
export function expireIfTimedOut(state: ConversationState, now: string, timeoutMinutes: number): ExpireResult {
  if (state.step === 'done') return { state, timedOut: false, partialAnswers: state.answers };
  const elapsed = Date.parse(now) - Date.parse(state.stepStartedAt);
  if (!Number.isFinite(elapsed) || !Number.isFinite(timeoutMinutes) || elapsed < timeoutMinutes * 60_000) {
    return { state, timedOut: false, partialAnswers: state.answers };
  }
  const closed: ConversationState = { ...withUnrated(state), step: 'done', stepStartedAt: now, endReason: 'timed_out' };
  return { state: closed, timedOut: true, partialAnswers: closed.answers };
}

export interface ConversationSummary {
  /** CTCAE items for the report: composite grade (0,1,2,3,3), null when unrated; severity 0 omitted. */
  items: InterpretedItem[];
  redFlag: boolean;
  complete: boolean;
  endReason: ConversationEndReason | null;
}

export function summarizeConversation(state: ConversationState): ConversationSummary {
  const items: InterpretedItem[] = [];
  for (const a of state.answers) {
    if (a.severity === 0) continue;
    const grade = a.severity === null ? null : compositeGradeFromSeverity(a.severity);
    const existing = items.find((i) => i.term === a.term);
    if (!existing) items.push({ term: a.term, grade });
    else if (grade !== null && (existing.grade === null || grade > existing.grade)) existing.grade = grade;
  }
  return { items, redFlag: state.urgent, complete: state.endReason === 'completed', endReason: state.endReason };
}
