// Strategy versions: immutable strategy documents (declarative JSON for builtin bots, Python for FreqTrade) in one store.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BotEngine } from './bot.js';

export const StrategyVersion = z.object({
  id: z.string().uuid(),
  /** Null for the platform's bundled strategies, which every user can pick. */
  userId: z.string().nullable(),
  name: z.string(),
  engine: BotEngine,
  contentHash: z.string(),
  author: z.string(),
  note: z.string(),
  createdAt: z.string(),
});
export type StrategyVersion = z.infer<typeof StrategyVersion>;

export const StrategyVersionWithContent = StrategyVersion.extend({ content: z.string() });
export type StrategyVersionWithContent = z.infer<typeof StrategyVersionWithContent>;

export const CreateStrategyVersionInput = z
  .object({
    engine: BotEngine.default('builtin'),
    /** A strategy JSON document (builtin) or a Python source file (freqtrade). */
    content: z.union([z.record(z.string(), z.unknown()), z.string().min(1).max(200_000)]),
    note: z.string().trim().max(500, 'must be at most 500 characters').default(''),
  })
  .strict();

/** Canonical text of a strategy document: keys sorted, so the same strategy always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export const contentHash = (engine: string, content: string): string =>
  createHash('sha256').update(`${engine}\0${content}`).digest('hex');
