import { describe, expect, it } from 'vitest';
import { interpretReply } from '#domain/replies/interpret.ts';

const dose = { openQuestion: { kind: 'dose' as const, checkInId: 'ci-evening', drugs: ['mmf'] } };

describe('a dose answer that names its dose time', () => {
  it.each([
    ['今天早上的药吃了', 'morning'],
    ['早上的藥吃過了', 'morning'],
    ['took my morning pills', 'morning'],
    ['晚上的药忘了', 'evening'],
    ['missed tonight', 'evening'],
    ['睡前那次没吃', 'evening'],
  ])('"%s" names the %s dose', (text, slot) => {
    expect(interpretReply(text, dose).doseSlot).toBe(slot);
  });

  it.each(['1', '吃了', '早上晚上都吃了', 'took both this morning and tonight'])('"%s" names none (or both): the open check-in applies', (text) => {
    expect(interpretReply(text, dose).doseSlot).toBeUndefined();
  });

  it('a side-effect text that mentions the morning carries no dose time', () => {
    expect(interpretReply('早上有点恶心', { openQuestion: null }).doseSlot).toBeUndefined();
  });
});
