// Risk rules on equity paths: drawdown from the highest equity seen, loss since the UTC day began, the first breach.
import { describe, expect, it } from 'vitest';
import { RiskRules, evaluateRisk, freshBook, riskRuleIssue, type RiskBook } from './risk.js';

const rules = RiskRules.parse({ maxDrawdownPct: 10, maxDailyLossPct: 5 });
const day = (h: number, d = 25) => new Date(Date.UTC(2026, 10, d, h));

function walk(path: Array<[number, Date]>, r = rules) {
  let book: RiskBook | null = null;
  return path.map(([equity, at]) => {
    const reading = evaluateRisk(book, equity, at, r);
    book = reading.book;
    return reading;
  });
}

describe('evaluateRisk', () => {
  it('measures the drawdown from the highest equity seen and trips at the limit', () => {
    const readings = walk([[1000, day(1)], [1200, day(2)], [1100, day(3)], [1080, day(4)]], RiskRules.parse({ maxDrawdownPct: 10 }));
    expect(readings.map((r) => r.drawdownPct)).toEqual([0, 0, 8.3333, 10]);
    expect(readings.map((r) => r.breach?.rule ?? null)).toEqual([null, null, null, 'max_drawdown']);
    expect(readings[3]!.breach!.message).toBe('drawdown 10 % from the peak 1200 reached the limit of 10 %');
  });

  it('measures the daily loss from the first reading of the UTC day, and starts again the next day', () => {
    const readings = walk([[1000, day(1)], [960, day(20)], [940, day(23)], [930, day(1, 26)], [890, day(5, 26)]]);
    expect(readings.map((r) => r.dailyLossPct)).toEqual([0, 4, 6, 0, 4.3011]);
    expect(readings[2]!.breach).toMatchObject({ rule: 'max_daily_loss', limitPct: 5 });
    // The new day's loss (4.3 %) is within its limit, but 890 is 11 % below the peak of 1000: the drawdown rule trips.
    expect(readings[4]!.breach).toMatchObject({ rule: 'max_drawdown', valuePct: 11 });
  });

  it('after a resume measures afresh from the equity then', () => {
    const book = freshBook(800, day(3));
    expect(evaluateRisk(book, 790, day(4), rules)).toMatchObject({ drawdownPct: 1.25, breach: null });
  });

  it('needs at least one limit, named by field', () => {
    expect(riskRuleIssue(RiskRules.parse({}))).toEqual({ field: 'maxDrawdownPct', message: 'set a max drawdown, a max daily loss, or both' });
    expect(RiskRules.safeParse({ maxDrawdownPct: 0 }).error?.issues[0]?.path).toEqual(['maxDrawdownPct']);
    expect(RiskRules.safeParse({ checkIntervalSeconds: 1 }).error?.issues[0]?.path).toEqual(['checkIntervalSeconds']);
  });
});
