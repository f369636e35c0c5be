// Fault injection for tests: the next N API requests fail with a 5xx, get a forced 429, or are delayed, optionally only for one endpoint.
import { z } from 'zod';

export const FaultRule = z.object({
  /** error: HTTP 5xx; rateLimit: HTTP 429 -1003 with Retry-After; latency: delay before handling. */
  kind: z.enum(['error', 'rateLimit', 'latency']),
  /** How many matching requests it applies to; latency defaults to every request until cleared, the others to 1. */
  count: z.number().int().positive().optional(),
  status: z.number().int().min(500).max(599).default(503),
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  retryAfterSeconds: z.number().int().min(1).max(3600).default(1),
  /** Endpoint, e.g. "order" or "/api/v3/order"; absent means every endpoint. */
  path: z.string().optional(),
  method: z.enum(['GET', 'POST', 'DELETE', 'PUT']).optional(),
  /** Only requests carrying this API key (X-MBX-APIKEY): one account's calls fail while others' go through. */
  apiKey: z.string().optional(),
  /** "after": the request is executed and only its response is replaced by the 5xx (the lost-response case). */
  when: z.enum(['before', 'after']).default('before'),
});
export type FaultRule = z.infer<typeof FaultRule>;
export type FaultRuleInput = z.input<typeof FaultRule>;

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

/** What to do to one request. */
export interface FaultPlan {
  latencyMs: number;
  /** Reply with this instead of handling the request. */
  before?: { kind: 'error' | 'rateLimit'; status: number; retryAfterSeconds: number };
  /** Handle the request, then reply with this 5xx instead of its response. */
  after?: { status: number };
}

export class Faults {
  private rules: ActiveRule[] = [];

  add(input: FaultRuleInput): FaultRule {
    const rule = FaultRule.parse(input);
    this.rules.push({ rule, remaining: rule.count ?? (rule.kind === 'latency' ? Number.POSITIVE_INFINITY : 1) });
    return rule;
  }

  clear(): void {
    this.rules = [];
  }

  list(): (FaultRule & { remaining: number | null })[] {
    return this.rules.map((r) => ({ ...r.rule, remaining: Number.isFinite(r.remaining) ? r.remaining : null }));
  }

  /** Consumes the rules that match this request: all latencies add up, the first failing rule wins. */
  take(method: string, path: string, apiKey?: string): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0 };
    for (const active of this.rules) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      if (rule.method && rule.method !== method) continue;
      if (rule.apiKey !== undefined && rule.apiKey !== apiKey) continue;
      if (rule.path !== undefined && rule.path.replace(/^\/*((api\/v3|sapi\/v1)\/)?/, '') !== path) continue;
      if (rule.kind === 'latency') {
        plan.latencyMs += rule.latencyMs;
      } else if (plan.before || plan.after) {
        continue;
      } else if (rule.kind === 'rateLimit') {
        plan.before = { kind: 'rateLimit', status: 429, retryAfterSeconds: rule.retryAfterSeconds };
      } else if (rule.when === 'after') {
        plan.after = { status: rule.status };
      } else {
        plan.before = { kind: 'error', status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
      }
      active.remaining -= 1;
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return plan;
  }
}
