import { describe, it, expect } from 'vitest';
import {
  advanceConversation,
  expireIfTimedOut,
  openQuestionFor,
  promptFor,
  startConversation,
  summarizeConversation,
  type ConversationState,
  type ProItem,
} from '../../../shared/domain/replies/conversation.ts';
import { interpretReply } from '../../../shared/domain/replies/interpret.ts';

const PRO: ProItem[] = [
  { key: 'diarrhea', term: 'Diarrhea' },
  { key: 'nausea', term: 'Nausea' },
  { key: 'vomiting', term: 'Vomiting' },
  { key: 'mouth_sores', term: 'Mucositis oral' },
  { key: 'rash', term: 'Rash maculo-papular' },
  { key: 'fever', term: 'Fever', attribute: 'presence' },
];
const T0 = '2026-03-02T01:00:00.000Z';
const at = (min: number): string => new Date(Date.parse(T0) + min * 60_000).toISOString();

/** Interpret the text against the conversation's own open question, then advance. */
function say(state: ConversationState, text: string, min: number) {
  const interpretation = interpretReply(text, { openQuestion: openQuestionFor(state, PRO) });
  return advanceConversation(state, interpretation, PRO, at(min));
}

describe('weekly check-in conversation', () => {
  it('starts at the screen question', () => {
    const s = startConversation('ci-1', T0);
    expect(s).toMatchObject({ checkInId: 'ci-1', step: 'screen', startedAt: T0, stepStartedAt: T0, selected: [], answers: [], severityIndex: 0 });
    expect(promptFor(s, PRO)).toEqual({ templateKey: 'checkin.screen', params: {} });
    expect(openQuestionFor(s, PRO)).toEqual({ kind: 'side_effect_screen', checkInId: 'ci-1' });
  });

  it('"no" at the screen completes with thanks', () => {
    const r = say(startConversation('ci-1', T0), '否', 1);
    expect(r.completed).toBe(true);
    expect(r.reply).toEqual({ templateKey: 'checkin.thanks', params: {} });
    expect(r.state.step).toBe('done');
    expect(r.state.endReason).toBe('completed');
    expect(summarizeConversation(r.state).items).toEqual([]);
  });

  it('walks screen → items → severity ×2 → done, with the composite grade 0,1,2,3,3', () => {
    let r = say(startConversation('ci-1', T0), '是', 1);
    expect(r.state.step).toBe('items');
    expect(r.reply).toEqual({ templateKey: 'checkin.items_menu', params: { count: '6', keys: 'diarrhea,nausea,vomiting,mouth_sores,rash,fever' } });

    r = say(r.state, '２，５', 2);
    expect(r.state.step).toBe('severity');
    expect(r.state.selected.map((s) => s.key)).toEqual(['nausea', 'rash']);
    expect(r.reply).toEqual({ templateKey: 'checkin.severity_question', params: { key: 'nausea', term: 'Nausea', index: '1', total: '2' } });
    expect(openQuestionFor(r.state, PRO)).toEqual({ kind: 'side_effect_severity', checkInId: 'ci-1', itemKey: 'nausea', term: 'Nausea' });

    r = say(r.state, '2', 3);
    expect(r.reply).toEqual({ templateKey: 'checkin.severity_question', params: { key: 'rash', term: 'Rash maculo-papular', index: '2', total: '2' } });

    r = say(r.state, '4', 4);
    expect(r.completed).toBe(true);
    expect(r.reply?.templateKey).toBe('checkin.thanks_urgent'); // severity 4 ⇒ red flag
    expect(r.state.answers).toEqual([
      { key: 'nausea', term: 'Nausea', severity: 2 },
      { key: 'rash', term: 'Rash maculo-papular', severity: 4 },
    ]);
    expect(summarizeConversation(r.state)).toEqual({
      items: [
        { term: 'Nausea', grade: 2 },
        { term: 'Rash maculo-papular', grade: 3 },
      ],
      redFlag: true,
      complete: true,
      endReason: 'completed',
    });
  });

  it('"无" at the items menu completes', () => {
    let r = say(startConversation('ci-1', T0), 'Y', 1);
    r = say(r.state, '无', 2);
    expect(r.completed).toBe(true);
    expect(r.reply?.templateKey).toBe('checkin.thanks');
  });

  it('severity 0 is recorded but not reported as an item', () => {
    let r = say(startConversation('ci-1', T0), '1', 1);
    r = say(r.state, '3', 2);
    r = say(r.state, '0', 3);
    expect(r.completed).toBe(true);
    expect(r.state.answers).toEqual([{ key: 'vomiting', term: 'Vomiting', severity: 0 }]);
    expect(summarizeConversation(r.state).items).toEqual([]);
  });

  it('presence items are recorded without a severity question', () => {
    let r = say(startConversation('ci-1', T0), 'yes', 1);
    r = say(r.state, '1 6', 2);
    expect(r.state.step).toBe('severity');
    expect(r.reply?.params).toMatchObject({ key: 'diarrhea', index: '1', total: '1' });
    r = say(r.state, '轻微', 3);
    expect(r.completed).toBe(true);
    expect(r.state.answers).toEqual([
      { key: 'fever', term: 'Fever', severity: null },
      { key: 'diarrhea', term: 'Diarrhea', severity: 1 },
    ]);
  });

  it('free-text symptoms at the screen select the matching items and skip the menu', () => {
    const r = say(startConversation('ci-1', T0), '有，拉肚子和恶心', 1);
    expect(r.state.step).toBe('severity');
    expect(r.state.selected.map((s) => s.key)).toEqual(['diarrhea', 'nausea']);
  });

  it('free text at the screen naming nothing on the menu goes to the menu', () => {
    const r = say(startConversation('ci-1', T0), '头痛', 1);
    expect(r.state.step).toBe('items');
    expect(r.reply?.templateKey).toBe('checkin.items_menu');
  });

  it('a red flag anywhere makes the closing message urgent', () => {
    let r = say(startConversation('ci-1', T0), '有，发烧39度', 1);
    expect(r.state.urgent).toBe(true);
    expect(r.state.step).toBe('done'); // fever is a presence item: nothing to rate
    expect(r.reply?.templateKey).toBe('checkin.thanks_urgent');
    expect(r.state.answers).toEqual([{ key: 'fever', term: 'Fever', severity: null }]);
    r = say(r.state, 'anything', 2);
    expect(r).toMatchObject({ reply: null, completed: true });
  });

  describe('invalid answers re-ask once', () => {
    it('at the screen', () => {
      let r = say(startConversation('ci-1', T0), '什么意思', 1);
      expect(r.completed).toBe(false);
      expect(r.reply).toEqual({ templateKey: 'checkin.screen_retry', params: {} });
      expect(r.state.reasks).toBe(1);
      expect(r.state.stepStartedAt).toBe(at(1));
      r = say(r.state, '是', 2);
      expect(r.state.step).toBe('items');
      expect(r.state.reasks).toBe(0);
    });

    it('at the menu, then closes after a second unreadable reply', () => {
      let r = say(startConversation('ci-1', T0), '是', 1);
      r = say(r.state, '99', 2);
      expect(r.reply?.templateKey).toBe('checkin.items_retry');
      r = say(r.state, 'hmm', 3);
      expect(r.completed).toBe(true);
      expect(r.state.endReason).toBe('unreadable');
      expect(r.reply).toEqual({ templateKey: 'checkin.closed_unreadable', params: {} });
    });

    it('at a severity question, keeping partial answers when it closes', () => {
      let r = say(startConversation('ci-1', T0), '是', 1);
      r = say(r.state, '1 2', 2);
      r = say(r.state, '3', 3); // diarrhea severe
      r = say(r.state, '7', 4);
      expect(r.reply).toEqual({ templateKey: 'checkin.severity_retry', params: { key: 'nausea', term: 'Nausea', index: '2', total: '2' } });
      r = say(r.state, 'lol', 5);
      expect(r.completed).toBe(true);
      expect(r.state.endReason).toBe('unreadable');
      expect(r.reply?.templateKey).toBe('checkin.thanks_urgent'); // severity 3 was reported
      expect(r.state.answers).toEqual([
        { key: 'diarrhea', term: 'Diarrhea', severity: 3 },
        { key: 'nausea', term: 'Nausea', severity: null },
      ]);
    });
  });

  describe('timeouts', () => {
    it('does nothing before the timeout', () => {
      const s = startConversation('ci-1', T0);
      const r = expireIfTimedOut(s, at(59), 60);
      expect(r.timedOut).toBe(false);
      expect(r.state).toBe(s);
    });

    it('closes an unanswered screen with no answers', () => {
      const r = expireIfTimedOut(startConversation('ci-1', T0), at(60), 60);
      expect(r.timedOut).toBe(true);
      expect(r.state).toMatchObject({ step: 'done', endReason: 'timed_out' });
      expect(r.partialAnswers).toEqual([]);
      expect(summarizeConversation(r.state).complete).toBe(false);
    });

    it('keeps partial answers and marks unrated selected items', () => {
      let r = say(startConversation('ci-1', T0), '是', 1);
      r = say(r.state, '1 2 3', 2);
      r = say(r.state, '1', 3);
      const x = expireIfTimedOut(r.state, at(3 + 120), 120);
      expect(x.timedOut).toBe(true);
      expect(x.partialAnswers).toEqual([
        { key: 'diarrhea', term: 'Diarrhea', severity: 1 },
        { key: 'nausea', term: 'Nausea', severity: null },
        { key: 'vomiting', term: 'Vomiting', severity: null },
      ]);
      expect(summarizeConversation(x.state).items).toEqual([
        { term: 'Diarrhea', grade: 1 },
        { term: 'Nausea', grade: null },
        { term: 'Vomiting', grade: null },
      ]);
    });

    it('measures from the current step, not the start', () => {
      const r = say(startConversation('ci-1', T0), '是', 50);
      expect(expireIfTimedOut(r.state, at(70), 60).timedOut).toBe(false);
      expect(expireIfTimedOut(r.state, at(110), 60).timedOut).toBe(true);
    });

    it('never times out on unreadable timestamps, and not once done', () => {
      expect(expireIfTimedOut(startConversation('ci-1', 'garbage'), at(999), 1).timedOut).toBe(false);
      const done = say(startConversation('ci-1', T0), '否', 1).state;
      expect(expireIfTimedOut(done, at(9999), 1).timedOut).toBe(false);
    });
  });

  it('opt-out ends the conversation silently; help leaves it waiting', () => {
    const s = startConversation('ci-1', T0);
    const help = say(s, 'HELP', 1);
    expect(help).toMatchObject({ reply: null, completed: false });
    expect(help.state).toEqual(s);
    const stop = say(s, '退订', 1);
    expect(stop).toMatchObject({ reply: null, completed: true });
    expect(stop.state.endReason).toBe('opted_out');
  });
});
