// The paper exchange's environment variables, validated with zod; a bad value names the variable, never its content.
import { z } from 'zod';
import type { PaperExchangeOptions } from './server.js';

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx) => {
    try {
      return schema.parse(JSON.parse(text)) as z.infer<T>;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be valid JSON of the documented shape' });
      return z.NEVER;
    }
  });

const AccountSeeds = z.array(
  z.object({
    id: z.string().optional(),
    label: z.string().optional(),
    apiKey: z.string().regex(/^[A-Za-z0-9]{1,128}$/),
    secret: z.string().min(1),
    balances: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    makerCommission: z.number().optional(),
    takerCommission: z.number().optional(),
  }),
);
const ReplaySpecs = z.array(z.object({ symbol: z.string(), file: z.string(), historyCandles: z.number().int().min(0).optional() }));

export const ExchangeEnv = z.object({
  PAPER_EXCHANGE_HOST: z.string().default('127.0.0.1'),
  PAPER_EXCHANGE_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  PAPER_EXCHANGE_SEED: z.string().default('tradefleet'),
  /** Turns on /admin; without it the admin API answers 404. */
  PAPER_EXCHANGE_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PAPER_EXCHANGE_TICK_MS: z.coerce.number().int().min(0).default(1000),
  /** JSON: [{"apiKey","secret","balances":{"USDT":"10000"}}] — accounts present from the start. */
  PAPER_EXCHANGE_ACCOUNTS: json(AccountSeeds).optional(),
  /** JSON: [{"symbol":"BTCUSDT","file":"candles.csv","historyCandles":500}]. */
  PAPER_EXCHANGE_REPLAY: json(ReplaySpecs).optional(),
  PAPER_EXCHANGE_SNAPSHOT: z.string().optional(),
  PAPER_EXCHANGE_WEIGHT_LIMIT: z.coerce.number().int().min(1).default(6000),
  PAPER_EXCHANGE_MAKER_FEE: z.coerce.number().min(0).max(0.1).default(0.001),
  PAPER_EXCHANGE_TAKER_FEE: z.coerce.number().min(0).max(0.1).default(0.001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ExchangeEnv = z.infer<typeof ExchangeEnv>;

export function readExchangeEnv(env: Record<string, string | undefined>): ExchangeEnv {
  const parsed = ExchangeEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid paper exchange configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function optionsFromEnv(e: ExchangeEnv): PaperExchangeOptions {
  return {
    host: e.PAPER_EXCHANGE_HOST,
    port: e.PAPER_EXCHANGE_PORT,
    seed: e.PAPER_EXCHANGE_SEED,
    adminToken: e.PAPER_EXCHANGE_ADMIN_TOKEN ?? false,
    tickMs: e.PAPER_EXCHANGE_TICK_MS,
    accounts: e.PAPER_EXCHANGE_ACCOUNTS,
    replay: e.PAPER_EXCHANGE_REPLAY,
    snapshotFile: e.PAPER_EXCHANGE_SNAPSHOT,
    weightLimit: e.PAPER_EXCHANGE_WEIGHT_LIMIT,
    makerCommission: e.PAPER_EXCHANGE_MAKER_FEE,
    takerCommission: e.PAPER_EXCHANGE_TAKER_FEE,
  };
}
