/**
 * STOP at every step of the weekly check-in conversation (issue 18 part 1).
 *
 * STOP closes the conversation like a timeout or a second unreadable reply does: the answers so far
 * are kept and every selected item not yet rated is kept with severity null (grade null in the
 * report), as docs/replies.md promises. The bug: a patient who picked diarrhoea and vomiting, rated
 * the first, then texted STOP lost vomiting.
 */
import { describe, it, expect } from 'vitest';
import {
  advanceConversation,
  expireIfTimedOut,
  openQuestionFor,
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

function say(state: ConversationState, text: string, min: number) {
  const interpretation = interpretReply(text, { openQuestion: openQuestionFor(state, PRO) });
  return advanceConversation(state, interpretation, PRO, at(min));
}

/** Walks the conversation through the given replies (one a minute) and returns the state. */
function walk(...texts: string[]): ConversationState {
  let s = startConversation('ci-1', T0);
  texts.forEach((t, i) => {
    s = say(s, t, i + 1).state;
  });
  return s;
}

describe('STOP during the weekly check-in conversation', () => {
  it('interprets STOP as opt_out at every step (precondition of the cases below)', () => {
    for (const s of [walk(), walk('是'), walk('是', '1 3'), walk('是', '1 3', '2')]) {
      for (const text of ['STOP', '退订', 'TD']) {
        expect(interpretReply(text, { openQuestion: openQuestionFor(s, PRO) }).intent).toBe('opt_out');
      }
    }
  });

  it('the reported bug: two symptoms picked, the first rated, then STOP — both are kept, the unrated one with grade null', () => {
    const before = walk('是', '1 3', '2'); // diarrhoea rated 2, vomiting being asked
    expect(before.step).toBe('severity');
    expect(before.answers).toEqual([{ key: 'diarrhea', term: 'Diarrhea', severity: 2 }]);

    const r = say(before, 'STOP', 4);
    expect(r).toMatchObject({ reply: null, completed: true });
    expect(r.state).toMatchObject({ step: 'done', endReason: 'opted_out', stepStartedAt: at(4) });
    expect(r.state.answers).toEqual([
      { key: 'diarrhea', term: 'Diarrhea', severity: 2 },
      { key: 'vomiting', term: 'Vomiting', severity: null },
    ]);
    expect(summarizeConversation(r.state)).toEqual({
      items: [
        { term: 'Diarrhea', grade: 2 },
        { term: 'Vomiting', grade: null },
      ],
      redFlag: false,
      complete: false,
      endReason: 'opted_out',
    });
  });

  it('keeps the same answers as a timeout at the same point would (STOP and timeout agree)', () => {
    for (const texts of [[], ['是'], ['是', '1 3'], ['是', '1 3', '2'], ['是', '1 3 6'], ['是', '2 6', '1']]) {
      const s = walk(...texts);
      const stopped = say(s, 'STOP', 30).state;
      const timedOut = expireIfTimedOut(s, at(30 + 24 * 60), 60).state;
      expect(stopped.answers, texts.join('|')).toEqual(timedOut.answers);
      expect(summarizeConversation(stopped).items, texts.join('|')).toEqual(summarizeConversation(timedOut).items);
    }
  });

  it('at the screen question: closes with nothing to report', () => {
    const r = say(walk(), 'STOP', 1);
    expect(r).toMatchObject({ reply: null, completed: true });
    expect(r.state).toMatchObject({ step: 'done', endReason: 'opted_out', answers: [], selected: [] });
    expect(summarizeConversation(r.state)).toEqual({ items: [], redFlag: false, complete: false, endReason: 'opted_out' });
  });

  it('at the screen re-ask (one unreadable reply already): closes as opted out, not as unreadable', () => {
    const s = walk('asdfgh');
    expect(s).toMatchObject({ step: 'screen', reasks: 1 });
    const r = say(s, '退订', 2);
    expect(r).toMatchObject({ reply: null, completed: true });
    expect(r.state.endReason).toBe('opted_out');
    expect(r.state.answers).toEqual([]);
  });

  it('at the items menu (said yes, nothing picked yet): closes with nothing to report', () => {
    const s = walk('是');
    expect(s.step).toBe('items');
    const r = say(s, 'STOP', 2);
    expect(r.state).toMatchObject({ step: 'done', endReason: 'opted_out', answers: [] });
    expect(summarizeConversation(r.state).items).toEqual([]);
  });

  it('at the items re-ask: closes as opted out', () => {
    const s = walk('是', 'asdfgh');
    expect(s).toMatchObject({ step: 'items', reasks: 1 });
    const r = say(s, 'TD', 3);
    expect(r).toMatchObject({ reply: null, completed: true });
    expect(r.state).toMatchObject({ endReason: 'opted_out', answers: [] });
  });

  it('at the first severity question: every picked item is kept unrated', () => {
    const s = walk('是', '1 3');
    expect(s).toMatchObject({ step: 'severity', severityIndex: 0, answers: [] });
    const r = say(s, 'STOP', 3);
    expect(r.state.answers).toEqual([
      { key: 'diarrhea', term: 'Diarrhea', severity: null },
      { key: 'vomiting', term: 'Vomiting', severity: null },
    ]);
    expect(summarizeConversation(r.state).items).toEqual([
      { term: 'Diarrhea', grade: null },
      { term: 'Vomiting', grade: null },
    ]);
  });

  it('at a severity re-ask after one rating: the rated item keeps its grade, the one being asked is kept unrated', () => {
    const s = walk('是', '1 2 3', '3', 'asdfgh');
    expect(s).toMatchObject({ step: 'severity', severityIndex: 1, reasks: 1 });
    const r = say(s, 'STOP', 5);
    expect(r.state.endReason).toBe('opted_out');
    expect(r.state.answers).toEqual([
      { key: 'diarrhea', term: 'Diarrhea', severity: 3 },
      { key: 'nausea', term: 'Nausea', severity: null },
      { key: 'vomiting', term: 'Vomiting', severity: null },
    ]);
    // Severity 3 already made the conversation urgent; STOP does not clear that.
    expect(summarizeConversation(r.state)).toMatchObject({ redFlag: true, complete: false });
  });

  it('with a presence item picked: it stays recorded once (present, not rated) next to the unrated ones', () => {
    const s = walk('是', '2 6'); // nausea (asked) + fever (presence, recorded at selection)
    expect(s.answers).toEqual([{ key: 'fever', term: 'Fever', severity: null }]);
    const r = say(s, 'STOP', 3);
    expect(r.state.answers).toEqual([
      { key: 'fever', term: 'Fever', severity: null },
      { key: 'nausea', term: 'Nausea', severity: null },
    ]);
  });

  it('at the last severity question, the earlier ratings are kept and only the last item is unrated', () => {
    const s = walk('是', '1 5', '0');
    expect(s.severityIndex).toBe(1);
    const r = say(s, 'STOP', 4);
    expect(r.state.answers).toEqual([
      { key: 'diarrhea', term: 'Diarrhea', severity: 0 },
      { key: 'rash', term: 'Rash maculo-papular', severity: null },
    ]);
    // Severity 0 is not a problem to report; the unrated rash is.
    expect(summarizeConversation(r.state).items).toEqual([{ term: 'Rash maculo-papular', grade: null }]);
  });

  it('after the conversation ended: STOP changes nothing', () => {
    const done = walk('是', '1', '2');
    expect(done.endReason).toBe('completed');
    const r = say(done, 'STOP', 9);
    expect(r).toEqual({ state: done, reply: null, completed: true });
  });
});
