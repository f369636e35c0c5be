// A tiny zod-free validator: each check returns the value or records `path: rule` (never the value, which may be a secret).

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Checker {
  readonly issues: string[] = [];

  fail(path: string, message: string): undefined {
    this.issues.push(`${path}: ${message}`);
    return undefined;
  }

  str(v: unknown, path: string, min = 0, max = Infinity): string | undefined {
    if (typeof v !== 'string') return this.fail(path, 'expected string');
    if (v.length < min) return this.fail(path, `must have at least ${min} characters`);
    if (v.length > max) return this.fail(path, `must have at most ${max} characters`);
    return v;
  }

  num(v: unknown, path: string, rule: { int?: boolean; min?: number; max?: number; positive?: boolean; negative?: boolean; lt?: number } = {}): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(path, 'expected number');
    if (rule.int && !Number.isSafeInteger(v)) return this.fail(path, 'expected integer');
    if (rule.positive && v <= 0) return this.fail(path, 'must be greater than 0');
    if (rule.negative && v >= 0) return this.fail(path, 'must be less than 0');
    if (rule.min !== undefined && v < rule.min) return this.fail(path, `must be at least ${rule.min}`);
    if (rule.max !== undefined && v > rule.max) return this.fail(path, `must be at most ${rule.max}`);
    if (rule.lt !== undefined && v >= rule.lt) return this.fail(path, `must be less than ${rule.lt}`);
    return v;
  }

  bool(v: unknown, path: string): boolean | undefined {
    return typeof v === 'boolean' ? v : this.fail(path, 'expected boolean');
  }

  obj(v: unknown, path: string): Obj | undefined {
    return isObj(v) ? v : this.fail(path, 'expected object');
  }

  list(v: unknown, path: string, min: number, max = Infinity): unknown[] | undefined {
    if (!Array.isArray(v)) return this.fail(path, 'expected array');
    if (v.length < min) return this.fail(path, `must have at least ${min} item${min === 1 ? '' : 's'}`);
    if (v.length > max) return this.fail(path, `must have at most ${max} items`);
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T | undefined {
    return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : this.fail(path, `must be one of ${allowed.join(', ')}`);
  }

  /** Rejects keys outside `allowed`, as zod's strictObject does. */
  strictKeys(o: Obj, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(o)) if (!allowed.includes(key)) this.fail(`${path}.${key}`, 'unknown key');
  }

  /** A value that may be absent: undefined stays undefined, anything else must pass `check`. */
  opt<T>(v: unknown, check: (v: unknown) => T | undefined): T | undefined {
    return v === undefined ? undefined : check(v);
  }
}
