// Bot: the platform's core entity — its input schema, statuses and the commands each status allows.
import { z } from 'zod';
import { FreqtradeVersion } from './freqtrade-config.js';

export const BOT_STATUSES = [
  'provisioning',
  'running',
  'stopping',
  'stopped',
  'starting',
  'deleting',
  'failed',
] as const;
export const BotStatus = z.enum(BOT_STATUSES);
export type BotStatus = z.infer<typeof BotStatus>;

export const BotEngine = z.enum(['builtin', 'freqtrade']);
export type BotEngine = z.infer<typeof BotEngine>;

/** Where a bot's runtime lives: a Docker container, or a local child process when no engine is reachable. */
export const RuntimeDriver = z.enum(['docker', 'process']);
export type RuntimeDriver = z.infer<typeof RuntimeDriver>;

/** Where a bot runs: in a shared pool container, or in a container (or process) of its own. */
export const BotPlacement = z.enum(['pool', 'dedicated']);
export type BotPlacement = z.infer<typeof BotPlacement>;

export const Pair = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/, 'must look like BTC/USDT');

/** A bot's pairs (its whitelist): at creation and when changed later (domain/bot-pairs.ts). */
export const PairList = z
  .array(Pair)
  .min(1, 'needs at least one pair')
  .max(50, 'takes at most 50 pairs')
  .refine((p) => new Set(p).size === p.length, 'must not repeat a pair');

/** Pairs not quoted in the stake currency, as field issues (`pairs.<i>`). */
export const pairsOutsideStake = (pairs: readonly string[], stakeCurrency: string): Array<{ path: ['pairs', number]; message: string }> =>
  pairs.flatMap((p, i) => (p.endsWith(`/${stakeCurrency}`) ? [] : [{ path: ['pairs', i] as ['pairs', number], message: `must be quoted in the stake currency ${stakeCurrency}` }]));

export const CreateBotInput = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(64, 'must be at most 64 characters')
      .regex(/^[\p{L}\p{N} _.-]+$/u, 'may hold letters, digits, spaces, _ . -'),
    exchange: z.enum(['paper']).default('paper'),
    pairs: PairList,
    stakeAmount: z.number().positive('must be greater than 0').max(1_000_000_000),
    stakeCurrency: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9]{2,15}$/)
      .default('USDT'),
    dryRun: z.boolean().default(true),
    engine: BotEngine.default('builtin'),
    /** For `freqtrade` bots: the FreqTrade release to run; the platform's default when absent. */
    freqtradeVersion: FreqtradeVersion.optional(),
    /** The strategy version to run; the first bundled strategy when absent. */
    strategyVersionId: z.string().uuid('must be a strategy version id').optional(),
    /** The exchange account a live bot trades on (its exchange then replaces `exchange`). */
    exchangeAccountId: z.string().uuid('must be an exchange account id').optional(),
    /** `pool`: share a pool container with other bots of the same engine; `dedicated`: a container of its own. Absent:
     * the platform's default (BOT_PLACEMENT; FREQTRADE_PLACEMENT for FreqTrade bots). */
    placement: BotPlacement.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (const issue of pairsOutsideStake(v.pairs, v.stakeCurrency)) ctx.addIssue({ code: 'custom', ...issue });
    if (!v.dryRun && !v.exchangeAccountId) {
      ctx.addIssue({ code: 'custom', path: ['exchangeAccountId'], message: 'a live bot (dryRun false) needs an exchange account' });
    }
    if (v.freqtradeVersion !== undefined && v.engine !== 'freqtrade') {
      ctx.addIssue({ code: 'custom', path: ['freqtradeVersion'], message: 'applies only to bots with engine freqtrade' });
    }
  });
export type CreateBotInput = z.input<typeof CreateBotInput>;
export type BotSpec = z.output<typeof CreateBotInput>;

/** A bot as the API and dashboard see it. Secrets (API credentials) are never part of it. */
export const Bot = z.object({
  id: z.string().uuid(),
  userId: z.string(),
  name: z.string(),
  exchange: z.string(),
  pairs: z.array(z.string()),
  stakeAmount: z.number(),
  stakeCurrency: z.string(),
  dryRun: z.boolean(),
  engine: BotEngine,
  /** The FreqTrade release of a `freqtrade` bot; null for builtin bots. */
  freqtradeVersion: z.string().nullable(),
  status: BotStatus,
  driver: RuntimeDriver,
  placement: BotPlacement,
  /** The pool container a pooled bot is placed in; null for dedicated bots and before placement. */
  poolContainerKey: z.string().nullable(),
  runtimeId: z.string().nullable(),
  /** Where the bot's API answers when not on the platform's BOT_API_HOST: the address of its pool container's host. */
  apiHost: z.string().nullable(),
  apiPort: z.number().int(),
  lastError: z.string().nullable(),
  /** Since when the fleet reconciler has found the bot's API not answering; null while it answers (or is not watched). */
  unreachableSince: z.string().nullable(),
  /** A pooled FreqTrade bot: how often its pool restarted its process in its current container; null where not tracked. */
  poolRestarts: z.number().int().nullable(),
  /** Why that process last ended, as its pool saw it (with FreqTrade's error line, secrets masked); null before any end. */
  poolLastExit: z.string().nullable(),
  strategyVersionId: z.string().nullable(),
  exchangeAccountId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Bot = z.infer<typeof Bot>;

/** `pairs`: a change of the bot's pairs (its whitelist), live while it runs. */
export type BotCommand = 'start' | 'stop' | 'delete' | 'move' | 'pairs';

/** Which commands a bot accepts in each status; anything else is rejected before it reaches the workflow history. */
const ALLOWED: Record<BotStatus, readonly BotCommand[]> = {
  provisioning: [],
  running: ['stop', 'delete', 'move', 'pairs'],
  stopping: [],
  stopped: ['start', 'delete', 'pairs'],
  starting: [],
  deleting: [],
  failed: ['delete'],
};

export function commandAllowed(status: BotStatus, command: BotCommand): boolean {
  return ALLOWED[status].includes(command);
}

export function commandRejection(status: BotStatus, command: BotCommand): string | null {
  if (commandAllowed(status, command)) return null;
  return `cannot ${command === 'pairs' ? 'change the pairs of' : command} a bot that is ${status}`;
}

/** Container labels: how Docker-side resources are found again after a crash (idempotency key). */
export const botLabels = (botId: string, userId: string): Record<string, string> => ({
  'tradefleet.bot': botId,
  'tradefleet.user': userId,
  'tradefleet.managed': 'true',
});

/** Port range from which each bot's FreqTrade REST API port is allocated. */
export const BOT_PORT_MIN = 20000;
export const BOT_PORT_MAX = 29999;
