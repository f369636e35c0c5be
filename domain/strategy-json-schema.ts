// JSON Schema (draft 2020-12) of a builtin strategy document, for editors and the upload form: the fields from the zod
// schema in strategy.ts (z.toJSONSchema), the entry/exit rule tree from the vocabularies its checker uses. What a
// schema cannot say (references between rules and indicators, warm-up, depth and size limits) the API still checks.
import { z } from 'zod';
import { Strategy } from './strategy.js';
import { COMPARE_OPS, INDICATOR_FIELDS, INDICATOR_ID, MAX_COMPARISONS, MAX_RULE_DEPTH, PRICE_FIELDS } from './strategy-checks.js';

export const STRATEGY_SCHEMA_PATH = '/api/strategies/builtin.schema.json';

type JsonSchema = Record<string, unknown>;

const indicatorFields = [...new Set(Object.values(INDICATOR_FIELDS).flat())];

/** `{all: [...]}`, `{any: [...]}` or `{left, op, right}`, each operand exactly one of indicator, price or value. */
const ruleDefs: Record<string, JsonSchema> = {
  rule: {
    description: `An entry or exit rule: all of, any of, or one comparison (at most ${MAX_RULE_DEPTH} levels deep, ${MAX_COMPARISONS} comparisons).`,
    oneOf: [
      { type: 'object', properties: { all: { type: 'array', minItems: 1, items: { $ref: '#/$defs/rule' } } }, required: ['all'], additionalProperties: false },
      { type: 'object', properties: { any: { type: 'array', minItems: 1, items: { $ref: '#/$defs/rule' } } }, required: ['any'], additionalProperties: false },
      { $ref: '#/$defs/comparison' },
    ],
  },
  comparison: {
    type: 'object',
    properties: { left: { $ref: '#/$defs/operand' }, op: { type: 'string', enum: [...COMPARE_OPS] }, right: { $ref: '#/$defs/operand' } },
    required: ['left', 'op', 'right'],
    additionalProperties: false,
  },
  operand: {
    oneOf: [
      {
        type: 'object',
        description: "An indicator's value by its id; macd and bbands name a field.",
        properties: { indicator: { type: 'string', pattern: INDICATOR_ID.source }, field: { type: 'string', enum: indicatorFields } },
        required: ['indicator'],
        additionalProperties: false,
      },
      { type: 'object', properties: { price: { type: 'string', enum: [...PRICE_FIELDS] } }, required: ['price'], additionalProperties: false },
      { type: 'object', properties: { value: { type: 'number' } }, required: ['value'], additionalProperties: false },
    ],
  },
};

/** The schema a builtin strategy document (what `content` holds) must match. */
export function strategyJsonSchema(): JsonSchema {
  const base = z.toJSONSchema(Strategy, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema & { properties: Record<string, JsonSchema> };
  return {
    ...base,
    $id: STRATEGY_SCHEMA_PATH,
    title: 'tradefleet builtin strategy',
    description: 'A declarative strategy for the builtin engine: indicators, entry and exit rules, ROI table, stoploss, trailing stop.',
    properties: { ...base.properties, entry: { $ref: '#/$defs/rule' }, exit: { $ref: '#/$defs/rule' } },
    $defs: { ...((base.$defs as JsonSchema | undefined) ?? {}), ...ruleDefs },
  };
}
