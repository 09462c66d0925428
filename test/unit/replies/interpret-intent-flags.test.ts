// The intent a reply gets from what it names ('symptom' for relapse-only signs, 'side_effect' once
// an adverse event or a fever is there) and the two-site skin/mucosa red flag. Written from the
// survivors of the whole-domain mutation run of shared/domain/replies/interpret.ts.
import { describe, expect, it } from 'vitest';
import { interpretReply } from '#domain/replies/index.ts';

const read = (text: string) => interpretReply(text, { openQuestion: null });

describe('relapse-only signs: symptom, unless there is an adverse event or a fever', () => {
  it.each([
    ['下巴肿', 'symptom'],
    ['下巴肿 体温37.2', 'symptom'],
    ['下巴肿 体温38度', 'side_effect'],
    ['下巴肿 体温38.5', 'side_effect'],
    ['下巴肿 头痛', 'side_effect'],
  ] as const)('%j → %s', (text, intent) => {
    const r = read(text);
    expect(r.intent).toBe(intent);
    expect(r.relapseSignals).toContain('gland_swelling');
    expect(r.relapseSignal).toBe(true);
  });
});

describe('mouth and eye together are two sites: a same-day flag', () => {
  it.each(['口腔溃疡 眼睛红', '口腔溃疡 眼睛痛'])('%j', (text) => {
    const r = read(text);
    expect(r.redFlag).toBe(true);
    expect(r.redFlagReasons).toEqual(['skin_mucosa']);
  });
});
