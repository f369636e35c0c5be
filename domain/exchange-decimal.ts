// Exact exchange amounts: Binance-style decimals with 8 places held as bigint "units" (1 unit = 1e-8), so filters and balances never drift.

export const DECIMALS = 8;
export const ONE = 100_000_000n;

/** How a product or quotient is brought back to 8 places. */
export type Rounding = 'down' | 'up' | 'half-up';

const DECIMAL_RE = /^([0-9]{1,20})(\.([0-9]{1,20}))?$/;

export type ParseResult = { ok: true; units: bigint } | { ok: false; reason: 'illegal' | 'precision' };

/** Parses a non-negative decimal string ("0.001", "95000", "1.50000000") into units; more than 8 significant decimals is a precision error. */
export function parseUnits(text: string): ParseResult {
  const m = DECIMAL_RE.exec(text);
  if (!m) return { ok: false, reason: 'illegal' };
  const whole = m[1]!;
  let frac = m[3] ?? '';
  // Trailing zeros beyond 8 places carry no precision ("1.0000000000" is fine).
  frac = frac.replace(/0+$/, '');
  if (frac.length > DECIMALS) return { ok: false, reason: 'precision' };
  return { ok: true, units: BigInt(whole) * ONE + BigInt(frac.padEnd(DECIMALS, '0') || '0') };
}

/** Units from a trusted decimal string or number (configuration, seeds); throws on bad input. */
export function units(value: string | number): bigint {
  const text = typeof value === 'number' ? numberToPlainString(value) : value;
  const parsed = parseUnits(text);
  if (!parsed.ok) throw new Error(`not an 8-decimal amount: ${text}`);
  return parsed.units;
}

/** A float rounded to 8 places, written without exponent. */
export function numberToPlainString(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new Error(`not a non-negative finite number: ${value}`);
  return value.toFixed(DECIMALS);
}

/** Units from a float, rounded half-up to 8 places. */
export function unitsFromNumber(value: number): bigint {
  return BigInt(Math.round(value * 1e8));
}

/** "123.45000000": the fixed 8-decimal form Binance uses in JSON. */
export function formatUnits(u: bigint, decimals = DECIMALS): string {
  const negative = u < 0n;
  const abs = negative ? -u : u;
  const whole = abs / ONE;
  const frac = (abs % ONE).toString().padStart(DECIMALS, '0').slice(0, decimals);
  const text = decimals > 0 ? `${whole}.${frac}` : `${whole}`;
  return negative ? `-${text}` : text;
}

export function toNumber(u: bigint): number {
  return Number(u) / 1e8;
}

function divRound(numerator: bigint, denominator: bigint, rounding: Rounding): bigint {
  const q = numerator / denominator;
  const r = numerator % denominator;
  if (r === 0n) return q;
  if (rounding === 'down') return q;
  if (rounding === 'up') return q + 1n;
  return 2n * r >= denominator ? q + 1n : q;
}

/** a × b for two unit amounts (price × quantity = quote amount). */
export function mulUnits(a: bigint, b: bigint, rounding: Rounding = 'half-up'): bigint {
  return divRound(a * b, ONE, rounding);
}

/** a ÷ b for two unit amounts (quote amount ÷ price = quantity). */
export function divUnits(a: bigint, b: bigint, rounding: Rounding = 'down'): bigint {
  if (b === 0n) throw new Error('division by zero');
  return divRound(a * ONE, b, rounding);
}

/** Largest multiple of step not above value (a step of 0 means no step rule). */
export function floorToStep(value: bigint, step: bigint): bigint {
  return step === 0n ? value : (value / step) * step;
}

export function ceilToStep(value: bigint, step: bigint): bigint {
  if (step === 0n) return value;
  const floored = (value / step) * step;
  return floored === value ? value : floored + step;
}

export function roundToStep(value: bigint, step: bigint): bigint {
  if (step === 0n) return value;
  return divRound(value, step, 'half-up') * step;
}

/** Number of decimals a step like "0.00100000" allows (3). */
export function stepDecimals(step: bigint): number {
  if (step === 0n) return DECIMALS;
  let d = DECIMALS;
  let s = step;
  while (d > 0 && s % 10n === 0n) {
    s /= 10n;
    d -= 1;
  }
  return d;
}

export const minUnits = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxUnits = (a: bigint, b: bigint): bigint => (a > b ? a : b);
