// The zod-free guard checks the workflow runs decide exactly like the API's zod schemas: same verdict, same issues (field
// and message, in order) and the same cleaned value, over hand-picked and generated inputs.
import { describe, expect, it } from 'vitest';
import { CreateGuardInput, GuardRules } from './guard.js';
import { checkCreateGuardInput, checkGuardRules } from './guard-rules.js';

const BOT = '6f1c2a52-3c1e-4c8e-9a57-0b7d1f2e9c11';
const ACCOUNT = '0a4f8e52-1b2c-4d3e-8f90-a1b2c3d4e5f6';
const wallet = { kind: 'wallet', exchangeAccountId: ACCOUNT, symbol: 'BTC/USDT', amount: 0.5 };
const botTrade = { kind: 'bot_trade', botId: BOT, tradeId: 7 };
const trail = { trailPct: 5, activationOffsetPct: 2, stoplossPct: 8 };
const takeProfit = { targets: [{ pct: 5, fraction: 0.5 }, { price: 110, fraction: 0.5 }], breakEvenAfterFirst: true };

/** Values that break some rule somewhere: wrong types, bounds, the edges of each range. */
const odd: unknown[] = [
  undefined, null, '', 'x', '5', true, [], {}, [1], 0, -1, 0.5, 1, 1.5, 2, 99.99, 100, 999, 1000, 9999, 10_000, 1e21, -0,
  Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 'BTC/USDT', 'btc/usdt', 'B/USDT', ACCOUNT, ACCOUNT.toUpperCase(), '00000000-0000-0000-0000-000000000000',
  '0a4f8e52-1b2c-9d3e-8f90-a1b2c3d4e5f6', 'wallet', 'bot_trade', new Date(0),
];

/** Every way of replacing one value at a path of `base` with each odd value (and removing it). */
function mutations(base: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  const walk = (node: unknown, rebuild: (v: unknown) => unknown) => {
    if (node === null || typeof node !== 'object') return;
    const entries = Array.isArray(node) ? node.map((v, i) => [i, v] as const) : Object.entries(node);
    for (const [key, value] of entries) {
      const swap = (v: unknown) => rebuild(Array.isArray(node) ? node.map((x, i) => (i === key ? v : x)) : { ...node, [key]: v });
      for (const v of odd) out.push(swap(v));
      out.push(rebuild(Array.isArray(node) ? node.filter((_, i) => i !== key) : Object.fromEntries(Object.entries(node).filter(([k]) => k !== key))));
      walk(value, swap);
    }
  };
  walk(base, (v) => v);
  return out;
}

const specs = [
  { target: wallet, trail },
  { target: { ...wallet, entryPrice: 100 }, takeProfit },
  { target: botTrade, trail: { trailPct: 3 }, takeProfit: { targets: [{ pct: 1, fraction: 1 }] } },
  { target: wallet, trail, extra: 1 },
];
const ruleSets = [{ trail }, { takeProfit }, { trail: { trailPct: 2, activationPrice: 120 }, takeProfit: { targets: [{ price: 1, fraction: 0.2 }] } }, { trail, other: 'x' }];
const tooMany = { targets: Array.from({ length: 11 }, (_, i) => ({ pct: i + 1, fraction: 0.05 })) };

const verdict = (r: { success: true; data: unknown } | { success: false; issues: Array<{ field: string; message: string }> }) =>
  r.success ? { success: true, data: r.data } : { success: false, issues: r.issues.map((i) => `${i.field}: ${i.message}`) };
const zodVerdict = (r: { success: boolean; data?: unknown; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  r.success ? { success: true, data: r.data } : { success: false, issues: r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };

describe('zod-free guard checks', () => {
  const createInputs = [...specs, ...specs.flatMap(mutations), 'nope', null, [], { target: wallet, takeProfit: tooMany }, { target: wallet, takeProfit: { targets: [] } }];
  it(`check a new guard like CreateGuardInput (${createInputs.length} inputs)`, () => {
    for (const input of createInputs) {
      expect(verdict(checkCreateGuardInput(structuredClone(input))), JSON.stringify(input)).toEqual(zodVerdict(CreateGuardInput.safeParse(structuredClone(input))));
    }
  });

  const ruleInputs = [...ruleSets, ...ruleSets.flatMap(mutations), 7, undefined, { takeProfit: tooMany }, { takeProfit: { ...tooMany, targets: [...tooMany.targets, { fraction: 2 }] } }];
  it(`check an edit like GuardRules (${ruleInputs.length} inputs)`, () => {
    for (const input of ruleInputs) {
      expect(verdict(checkGuardRules(structuredClone(input))), JSON.stringify(input)).toEqual(zodVerdict(GuardRules.safeParse(structuredClone(input))));
    }
  });

  it('name the field a user got wrong, and clean what they sent', () => {
    expect(checkGuardRules({ trail: { trailPct: 0 } })).toEqual({ success: false, issues: [{ field: 'trail.trailPct', message: 'must be above 0 %' }] });
    expect(checkCreateGuardInput({ target: { ...wallet, symbol: 'NOPE' }, trail })).toMatchObject({ success: false, issues: [{ field: 'target.symbol' }] });
    expect(checkGuardRules({ takeProfit: { targets: [{ pct: 5, fraction: 1, note: 'x' }] }, x: 1 }))
      .toEqual({ success: true, data: { takeProfit: { targets: [{ pct: 5, fraction: 1 }], breakEvenAfterFirst: false } } });
  });
});
