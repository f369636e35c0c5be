// Reading the guard forms (create and edit). Inputs are named by the API's field paths (`trail.trailPct`,
// `takeProfit.targets.1.price`), so an API error lands on the input it names; blank inputs are left out.
import type { z } from 'zod';
import type { TakeProfitInput, TrailInput } from '#domain/guard.ts';
import type { GuardRules } from '#lib/types.ts';

export const TRAIL_FIELDS = ['trail.trailPct', 'trail.activationPrice', 'trail.activationOffsetPct', 'trail.stoplossPct'] as const;
export type TargetPart = 'price' | 'pct' | 'fraction';
export const targetField = (row: number, part: TargetPart): string => `takeProfit.targets.${row}.${part}`;
/** How many ladder rows the form showed, so a refilled form shows as many. */
export const ROWS_FIELD = 'takeProfit.rows';
export const BREAK_EVEN_FIELD = 'takeProfit.breakEvenAfterFirst';
/** The API allows at most 10 targets. */
export const MAX_TARGETS = 10;

export const ladderFields = (rows: number): string[] =>
  Array.from({ length: rows }, (_, i) => (['price', 'pct', 'fraction'] as const).map((p) => targetField(i, p))).flat();

/** What a guard form hands its groups of inputs (TrailFields, TakeProfitLadder). */
export interface GuardInputsProps {
  /** What the inputs show, by field path: typed before a refusal, else the current rules. */
  values: Record<string, string>;
  /** The error to show under an input (by its field path), if any. */
  messageFor: (field: string) => string | null;
  /** Keeps element ids unique per form; also the prefix of the test ids (`${idPrefix}-trail-pct`, `${idPrefix}-tp-price-0`). */
  idPrefix: string;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Collects what a form sent as strings (to refill it) and the first input that is not a number where one is needed. */
export class FormReader {
  readonly values: Record<string, string> = {};
  problem: FieldProblem | null = null;

  constructor(private readonly form: FormData) {}

  has(name: string): boolean {
    return this.form.has(name);
  }

  text(name: string): string {
    const value = String(this.form.get(name) ?? '').trim();
    this.values[name] = value;
    return value;
  }

  /** A blank input is undefined; anything else must be a (whole) number. */
  number(name: string, integer = false): number | undefined {
    const text = this.text(name);
    if (text === '') return undefined;
    const n = Number(text);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      this.fail(name, integer ? 'must be a whole number' : 'must be a number, e.g. 2.5');
      return undefined;
    }
    return n;
  }

  checkbox(name: string): boolean {
    const on = this.form.get(name) === 'on';
    this.values[name] = on ? 'on' : '';
    return on;
  }

  fail(field: string, message: string): void {
    this.problem ??= { field, message };
  }
}

/** Set only the keys that have a value (the API's schemas take absent, not undefined-as-null). */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The trailing stop, or undefined when all its inputs are blank. */
export function readTrail(r: FormReader): z.input<typeof TrailInput> | undefined {
  const [trailPct, activationPrice, activationOffsetPct, stoplossPct] = TRAIL_FIELDS.map((f) => r.number(f));
  if ([trailPct, activationPrice, activationOffsetPct, stoplossPct].every((v) => v === undefined)) return undefined;
  if (trailPct === undefined) {
    r.fail('trail.trailPct', 'set the trail % (how far below the peak the stop follows) to use a trailing stop');
    return undefined;
  }
  return defined({ trailPct, activationPrice, activationOffsetPct, stoplossPct });
}

export interface Ladder {
  takeProfit: z.input<typeof TakeProfitInput> | undefined;
  /** Form row of each target sent (blank rows are skipped), to put the API's `takeProfit.targets.<i>` on its row. */
  rows: number[];
}

/** The take-profit ladder from its rows, or undefined when every row is blank. */
export function readLadder(r: FormReader): Ladder {
  const targets: z.input<typeof TakeProfitInput>['targets'] = [];
  const rows: number[] = [];
  let row = 0;
  for (; row < MAX_TARGETS * 2 && r.has(targetField(row, 'fraction')); row++) {
    const price = r.number(targetField(row, 'price'));
    const pct = r.number(targetField(row, 'pct'));
    const fraction = r.number(targetField(row, 'fraction'));
    if (price === undefined && pct === undefined && fraction === undefined) continue;
    if (fraction === undefined) r.fail(targetField(row, 'fraction'), 'set the share of the position to sell here, e.g. 0.5');
    targets.push(defined({ price, pct, fraction: fraction ?? 0 }));
    rows.push(row);
  }
  r.values[ROWS_FIELD] = String(row);
  const breakEvenAfterFirst = r.checkbox(BREAK_EVEN_FIELD);
  return { takeProfit: targets.length === 0 ? undefined : { targets, breakEvenAfterFirst }, rows };
}

/** The API's field path as the form's input name: `takeProfit.targets.<i>` counts sent targets, the form counts rows. */
export function formField(field: string | undefined, rows: number[]): string | undefined {
  const match = /^takeProfit\.targets\.(\d+)(\..*)?$/.exec(field ?? '');
  if (!match) return field;
  const row = rows[Number(match[1])];
  return row === undefined ? field : `takeProfit.targets.${row}${match[2] ?? ''}`;
}

/** A guard's rules as the form's values, to prefill the edit form. */
export function rulesToValues(rules: GuardRules): Record<string, string> {
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  const values: Record<string, string> = {
    'trail.trailPct': text(rules.trail?.trailPct),
    'trail.activationPrice': text(rules.trail?.activationPrice),
    'trail.activationOffsetPct': text(rules.trail?.activationOffsetPct),
    'trail.stoplossPct': text(rules.trail?.stoplossPct),
    [BREAK_EVEN_FIELD]: rules.takeProfit?.breakEvenAfterFirst ? 'on' : '',
  };
  const targets = rules.takeProfit?.targets ?? [];
  targets.forEach((t, i) => {
    values[targetField(i, 'price')] = text(t.price);
    values[targetField(i, 'pct')] = text(t.pct);
    values[targetField(i, 'fraction')] = text(t.fraction);
  });
  values[ROWS_FIELD] = String(targets.length);
  return values;
}
