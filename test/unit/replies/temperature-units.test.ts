// A decimal in the body-temperature range is a temperature unless a unit says it is something else:
// a dose, a weight, and (fifth session of 2026-12-05) a size or a volume. "颈部淋巴结40.5mm" was
// read as a 40.5 °C fever, grade 3, and raised a red flag.
import { describe, expect, it } from 'vitest';
import { interpretReply, parseTemperatureC } from '#domain/replies/interpret.ts';

describe('sizes and volumes are not temperatures', () => {
  it.each(['颈部淋巴结40.5mm', '肿块38.5cm', '腮腺肿了大概39.5毫米', '喝了36.5ml', '37.5厘米', '38.5公分', '40.5 mm', '36.5毫升'])('%s', (text) => {
    expect(parseTemperatureC(text)).toBeNull();
  });

  it('and raise no fever red flag', () => {
    const r = interpretReply('颈部淋巴结40.5mm', { openQuestion: null });
    expect(r.temperatureC).toBeUndefined();
    expect(r.items.map((i) => i.term)).not.toContain('Fever');
  });

  it.each([
    ['39.2', 39.2],
    ['体温38.5', 38.5],
    ['38.5 我有点冷', 38.5],
    ['发烧39度', 39],
  ])('a temperature is still one: %s', (text, expected) => {
    expect(parseTemperatureC(text)).toBe(expected);
  });
});
