import { describe, expect, it } from 'vitest';
import { closedTradeFigures } from './fleet.js';

describe('closedTradeFigures', () => {
  it('has no win rate and no drawdown before the first closed trade', () => {
    expect(closedTradeFigures([])).toEqual({ winRate: null, maxDrawdownAbs: 0, profitAbs: 0 });
  });

  it('counts wins and measures the deepest fall of cumulative profit from its high', () => {
    // cumulative: 10, 4, 9, -1, 5 → high 10, lowest after it -1: a drawdown of 11
    const f = closedTradeFigures([10, -6, 5, -10, 6]);
    expect(f.winRate).toBeCloseTo(3 / 5);
    expect(f.maxDrawdownAbs).toBeCloseTo(11);
    expect(f.profitAbs).toBeCloseTo(5);
  });

  it('measures a loss from the start as a drawdown from zero', () => {
    expect(closedTradeFigures([-3, -2]).maxDrawdownAbs).toBeCloseTo(5);
  });
});
