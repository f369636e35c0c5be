// The builtin strategy JSON Schema against the zod schema and checker it describes: every bundled strategy matches it,
// and documents the API refuses for their shape (a wrong op, an unknown key, a bad operand, a missing field) do not.
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { BUNDLED_BUILTIN_STRATEGIES } from './bundled-strategies.js';
import { parseStrategy } from './strategy.js';
import { strategyJsonSchema } from './strategy-json-schema.js';

const validate = new Ajv2020.default({ strict: false, allErrors: true }).compile(strategyJsonSchema());
const template = BUNDLED_BUILTIN_STRATEGIES[0]!;
const withChange = (change: (doc: Record<string, unknown>) => void): Record<string, unknown> => {
  const doc = structuredClone(template) as Record<string, unknown>;
  change(doc);
  return doc;
};

describe('strategyJsonSchema', () => {
  it('accepts every bundled builtin strategy', () => {
    expect(BUNDLED_BUILTIN_STRATEGIES.length).toBeGreaterThan(1);
    for (const s of BUNDLED_BUILTIN_STRATEGIES) expect(validate(s), `${s.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
  });

  it('describes the rule tree: nested all/any groups of comparisons between indicators, prices and values', () => {
    const doc = withChange((d) => {
      d['entry'] = { any: [{ all: [{ left: { price: 'close' }, op: 'crossesAbove', right: { value: 1 } }] }, { left: { value: 2 }, op: '<=', right: { price: 'low' } }] };
    });
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(parseStrategy(doc).success).toBe(true);
  });

  const refused: Array<[string, (d: Record<string, unknown>) => void, string]> = [
    ['an op that is not one', (d) => (d['exit'] = { left: { price: 'close' }, op: '=>', right: { value: 0 } }), '/exit'],
    ['an unknown key in a rule', (d) => (d['entry'] = { all: [], when: 'now' }), '/entry'],
    ['an operand with two kinds', (d) => (d['exit'] = { left: { price: 'close', value: 1 }, op: '>', right: { value: 0 } }), '/exit'],
    ['an empty group', (d) => (d['entry'] = { any: [] }), '/entry'],
    ['a missing stoploss', (d) => delete d['stoploss'], ''],
    ['an unknown top-level key', (d) => (d['leverage'] = 3), ''],
    ['an unknown timeframe', (d) => (d['timeframe'] = '2m'), '/timeframe'],
  ];
  for (const [what, change, at] of refused) {
    it(`refuses ${what}, as the API does`, () => {
      const doc = withChange(change);
      expect(parseStrategy(doc).success).toBe(false);
      expect(validate(doc)).toBe(false);
      expect(validate.errors!.some((e) => e.instancePath.startsWith(at))).toBe(true);
    });
  }
});
