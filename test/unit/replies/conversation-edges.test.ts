// Edges of the weekly check-in conversation that conversation.test.ts did not pin (found by the
// domain mutation run, docs/testing.md): what the patient is sent at each step and whether the
// check-in is still open, free text at the menu, START/HELP mid-conversation, a severity of 3
// without a red flag from the reader, and one report line per CTCAE term.
import { describe, expect, it } from 'vitest';
import {
  advanceConversation,
  openQuestionFor,
  promptFor,
  startConversation,
  summarizeConversation,
  type ConversationState,
  type ProItem,
} from '../../../shared/domain/replies/conversation.ts';
import { interpretReply } from '../../../shared/domain/replies/interpret.ts';
import type { Interpretation } from '../../../shared/domain/replies/interpretation.ts';

const PRO: ProItem[] = [
  { key: 'diarrhea', term: 'Diarrhea' },
  { key: 'nausea', term: 'Nausea' },
  { key: 'vomiting', term: 'Vomiting' },
  { key: 'fever', term: 'Fever', attribute: 'presence' },
];
const MENU = { count: '4', keys: 'diarrhea,nausea,vomiting,fever' };
const T0 = '2026-03-02T01:00:00.000Z';
const at = (min: number): string => new Date(Date.parse(T0) + min * 60_000).toISOString();

/** Interpret the text against the conversation's own open question, then advance. */
function say(state: ConversationState, text: string, min: number) {
  return advanceConversation(state, interpretReply(text, { openQuestion: openQuestionFor(state, PRO) }), PRO, at(min));
}

/** At the menu: screen answered "yes". */
const atMenu = () => say(startConversation('ci-1', T0), '是', 1).state;

describe('what the patient is sent, and whether the check-in is still open', () => {
  it('each question leaves the check-in open; only the last answer completes it', () => {
    const menu = say(startConversation('ci-1', T0), '是', 1);
    expect(menu).toMatchObject({ completed: false, reply: { templateKey: 'checkin.items_menu', params: MENU } });
    const first = say(menu.state, '1 2', 2);
    expect(first).toMatchObject({ completed: false, reply: { templateKey: 'checkin.severity_question', params: { key: 'diarrhea', index: '1', total: '2' } } });
    const second = say(first.state, '1', 3);
    expect(second).toMatchObject({ completed: false, reply: { templateKey: 'checkin.severity_question', params: { key: 'nausea', index: '2', total: '2' } } });
    expect(say(second.state, '1', 4)).toMatchObject({ completed: true, reply: { templateKey: 'checkin.thanks' } });
  });

  it('the question of the current step can be sent again (menu, severity), and nothing once done', () => {
    const menu = atMenu();
    expect(promptFor(menu, PRO)).toEqual({ templateKey: 'checkin.items_menu', params: MENU });
    const severity = say(menu, '3', 2).state;
    expect(promptFor(severity, PRO)).toEqual({ templateKey: 'checkin.severity_question', params: { key: 'vomiting', term: 'Vomiting', index: '1', total: '1' } });
    const done = say(severity, '0', 3).state;
    expect(promptFor(done, PRO)).toBeNull();
    expect(openQuestionFor(done, PRO)).toBeNull();
  });

  it('an unreadable reply at the menu re-asks with the menu itself', () => {
    const r = say(atMenu(), 'hmm', 2);
    expect(r).toMatchObject({ completed: false, reply: { templateKey: 'checkin.items_retry', params: MENU } });
  });
});

describe('free text at the menu', () => {
  it('a symptom on the menu, read without the open question, selects its item', () => {
    const reading = interpretReply('拉肚子', { openQuestion: null });
    expect(reading.answer).toBeUndefined();
    const r = advanceConversation(atMenu(), reading, PRO, at(2));
    expect(r.state.selected.map((s) => s.key)).toEqual(['diarrhea']);
    expect(r.reply?.templateKey).toBe('checkin.severity_question');
  });

  it.each([
    ['a side effect not on the menu', '头痛'],
    ['a relapse sign (not on the menu)', '下巴肿了'],
  ])('%s completes the check-in (the reply record keeps it) instead of re-asking', (_name, text) => {
    const r = say(atMenu(), text, 2);
    expect(r).toMatchObject({ completed: true, reply: { templateKey: 'checkin.thanks' } });
    expect(r.state.endReason).toBe('completed');
    expect(r.state.answers).toEqual([]);
  });

  it('an item key the menu does not have (a stale reading) is ignored', () => {
    const stale: Interpretation = { intent: 'answer', items: [], redFlag: false, relapseSignal: false, language: 'unknown', answer: { kind: 'items', keys: ['arthralgia', 'nausea'] } };
    const r = advanceConversation(atMenu(), stale, PRO, at(2));
    expect(r.state.selected).toEqual([{ key: 'nausea', term: 'Nausea' }]);
    const none = advanceConversation(atMenu(), { ...stale, answer: { kind: 'items', keys: ['arthralgia'] } }, PRO, at(2));
    expect(none).toMatchObject({ completed: true, reply: { templateKey: 'checkin.thanks' } });
    expect(none.state.selected).toEqual([]);
  });
});

describe('commands in the middle of a check-in', () => {
  it.each(['START', 'HELP'])('%s leaves the conversation where it was, without a reply (the command answers it)', (text) => {
    for (const state of [startConversation('ci-1', T0), atMenu(), say(atMenu(), '1', 2).state]) {
      const r = say(state, text, 5);
      expect(r).toEqual({ state, reply: null, completed: false });
    }
  });
});

describe('urgency', () => {
  const severity = (value: 0 | 1 | 2 | 3 | 4): Interpretation => ({
    intent: 'answer',
    items: [],
    redFlag: false,
    relapseSignal: false,
    language: 'unknown',
    answer: { kind: 'severity', value },
  });

  it('a severity of 3 makes the closing urgent even when the reader raised no red flag; 2 does not', () => {
    const rating = say(atMenu(), '2', 2).state;
    expect(advanceConversation(rating, severity(3), PRO, at(3))).toMatchObject({ completed: true, reply: { templateKey: 'checkin.thanks_urgent' } });
    expect(advanceConversation(rating, severity(2), PRO, at(3))).toMatchObject({ completed: true, reply: { templateKey: 'checkin.thanks' } });
  });

  it('urgency stays once set, through later mild answers', () => {
    let s = say(atMenu(), '1 2', 2).state;
    s = advanceConversation(s, severity(3), PRO, at(3)).state;
    expect(s.urgent).toBe(true);
    expect(advanceConversation(s, severity(1), PRO, at(4))).toMatchObject({ completed: true, reply: { templateKey: 'checkin.thanks_urgent' } });
  });
});

describe('the report: one line per CTCAE term', () => {
  it('two menu items with the same term give one item at the highest grade; an unrated one does not lower it', () => {
    const state: ConversationState = {
      ...startConversation('ci-1', T0),
      step: 'done',
      endReason: 'timed_out',
      answers: [
        { key: 'mouth_sores', term: 'Mucositis oral', severity: null },
        { key: 'mouth_ulcers', term: 'Mucositis oral', severity: 2 },
        { key: 'sore_mouth', term: 'Mucositis oral', severity: 1 },
        { key: 'nausea', term: 'Nausea', severity: 4 },
        { key: 'nausea2', term: 'Nausea', severity: null },
      ],
    };
    expect(summarizeConversation(state)).toEqual({
      items: [
        { term: 'Mucositis oral', grade: 2 },
        { term: 'Nausea', grade: 3 },
      ],
      redFlag: false,
      complete: false,
      endReason: 'timed_out',
    });
  });
});
