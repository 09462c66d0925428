import { describe, expect, it } from 'vitest';
import { barChart } from '#infra/local/simulation/charts.ts';

describe('simulation report charts', () => {
  it('shares that add up to 100 % get a 100 % axis, not 200 % (floating-point sums)', () => {
    // 1, 7 and 1 check-ins of 9, in per cent: 11.11… + 77.77…9 + 11.11… = 100.00000000000001 in floating point.
    const shares = [1, 7, 1].map((n) => (n / 9) * 100);
    const svg = barChart('shares', 'Shares', ['m1'], shares.map((v, i) => ({ name: `s${i}`, values: [v], color: '#000' })), { unit: '%' });
    expect(shares[0]! + shares[1]! + shares[2]!).toBeGreaterThan(100);
    expect(svg).toContain('>100%<');
    expect(svg).not.toContain('200%');
  });

  it('a total just over a round number still gets the next step', () => {
    const svg = barChart('over', 'Over', ['m1'], [{ name: 'a', values: [101], color: '#000' }], { unit: '%' });
    expect(svg).toContain('>200%<');
  });
});
