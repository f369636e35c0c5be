// The legacy MongoDB data model as the old platform really stored it (read as relaxed Extended JSON), with zod schemas
// that accept its messiness (numbers as strings, ObjectIds or their hex, several date forms) and refuse what cannot be mapped.
import { z } from 'zod';

/** The collections the migration reads, in the order their dependencies need (owners before what they own). */
export const LEGACY_COLLECTIONS = ['users', 'strategies', 'wallets', 'bots', 'trades', 'balances', 'botEvents'] as const;
export type LegacyCollection = (typeof LEGACY_COLLECTIONS)[number];

/** Which platform table each collection lands in. */
export const TARGET_TABLE: Record<LegacyCollection, string> = {
  users: 'users',
  strategies: 'strategy_versions',
  wallets: 'exchange_accounts',
  bots: 'bots',
  trades: 'bot_trades',
  balances: 'wallet_snapshots',
  botEvents: 'bot_events',
};

const HEX24 = /^[0-9a-f]{24}$/i;

/** An ObjectId as relaxed EJSON (`{$oid}`) or as the hex string some old code stored instead; yields lower-case hex. */
export const LegacyId = z.union([
  z.object({ $oid: z.string().regex(HEX24) }).transform((v) => v.$oid.toLowerCase()),
  z.string().trim().regex(HEX24, 'must be an ObjectId').transform((v) => v.toLowerCase()),
]);

/** A number stored as a number, a numeric string ("12.5", " 3 "), or a BSON decimal/long/double wrapper. */
export const LegacyNumber = z
  .union([
    z.number(),
    z.string().trim().regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'must be a number').transform(Number),
    z.object({ $numberDecimal: z.string() }).transform((v) => Number(v.$numberDecimal)),
    z.object({ $numberLong: z.string() }).transform((v) => Number(v.$numberLong)),
    z.object({ $numberDouble: z.string() }).transform((v) => Number(v.$numberDouble)),
  ])
  .refine((n) => Number.isFinite(n), 'must be a finite number');

/** A date as BSON date (`{$date}`), an ISO string, or epoch milliseconds; yields ISO 8601. */
export const LegacyDate = z
  .union([
    z.object({ $date: z.union([z.string(), z.number(), z.object({ $numberLong: z.string() })]) }).transform((v) =>
      typeof v.$date === 'object' ? Number(v.$date.$numberLong) : v.$date,
    ),
    z.string(),
    z.number(),
  ])
  .transform((v, ctx) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be a date' });
      return z.NEVER;
    }
    return d.toISOString();
  });

/** Booleans the old UI saved as strings or 0/1. */
export const LegacyBool = z.union([
  z.boolean(),
  z.enum(['true', 'false', 'yes', 'no', '1', '0']).transform((v) => v === 'true' || v === 'yes' || v === '1'),
  z.literal(1).transform(() => true),
  z.literal(0).transform(() => false),
]);

/** Documents the new platform wrote back while dual-write was on carry the row id they mirror. */
const platformId = z.string().min(1).optional();

export const LegacyUser = z.object({
  _id: LegacyId,
  email: z.string().trim().min(3, 'is missing').max(254).regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'is not an email address'),
  passwordHash: z.string().min(1, 'is missing'),
  role: z.enum(['admin', 'operator', 'trader', 'user']).optional(),
  createdAt: LegacyDate.optional(),
  profile: z.object({ name: z.string().optional(), country: z.string().optional() }).partial().optional(),
  platformId,
});

export const LegacyStrategy = z.object({
  _id: LegacyId,
  owner: LegacyId.nullish(),
  name: z.string().trim().min(1, 'is missing').max(128),
  engine: z.enum(['builtin', 'freqtrade']).default('builtin'),
  // Old documents stored the strategy as an object, newer ones as the text; versions of the same name are separate docs.
  content: z.union([z.string().min(1), z.record(z.string(), z.unknown()).transform((v) => JSON.stringify(v))]),
  author: z.string().optional(),
  note: z.string().optional(),
  createdAt: LegacyDate.optional(),
  platformId,
});

export const LegacyWallet = z.object({
  _id: LegacyId,
  userId: LegacyId,
  exchange: z.string().trim().toLowerCase().regex(/^[a-z0-9]{2,30}$/, 'must be an exchange id such as binance'),
  label: z.string().trim().max(64).optional(),
  // Either the clear key pair of the old platform, or the sealed credentials a dual-written document carries.
  apiKey: z.string().min(4).optional(),
  apiSecret: z.string().min(4).optional(),
  sealedCredentials: z.string().optional(),
  apiKeyHint: z.string().optional(),
  syncEvery: LegacyNumber.optional(),
  createdAt: LegacyDate.optional(),
  platformId,
});

export const LegacyBot = z.object({
  _id: LegacyId,
  userId: LegacyId,
  name: z.string().trim().min(1, 'is missing').max(64),
  exchange: z.string().trim().toLowerCase().default('paper'),
  // An embedded array in newer documents, a comma-separated string in old ones.
  pairs: z.union([z.array(z.string()), z.string().transform((s) => s.split(','))]).transform((p) => p.map((x) => x.trim().toUpperCase()).filter(Boolean)),
  stake: LegacyNumber,
  stakeCurrency: z.string().trim().toUpperCase().default('USDT'),
  dryRun: LegacyBool.default(true),
  status: z.string().default('stopped'),
  strategyId: LegacyId.nullish(),
  walletId: LegacyId.nullish(),
  lastError: z.string().nullish(),
  createdAt: LegacyDate.optional(),
  platformId,
});

export const LegacyTrade = z.object({
  _id: LegacyId,
  botId: LegacyId,
  tradeId: LegacyNumber.refine((n) => Number.isInteger(n) && n > 0 && n < 2 ** 31, 'must be a positive whole number'),
  pair: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/, 'must look like BTC/USDT'),
  status: z.enum(['open', 'closed']).optional(),
  amount: LegacyNumber,
  stake: LegacyNumber,
  openRate: LegacyNumber,
  closeRate: LegacyNumber.nullish(),
  openedAt: LegacyDate,
  closedAt: LegacyDate.nullish(),
  profit: LegacyNumber.nullish(),
  fees: z.object({ open: LegacyNumber.nullish(), close: LegacyNumber.nullish() }).partial().optional(),
  exitReason: z.string().nullish(),
});

export const LegacyBalanceLine = z.object({
  asset: z.string().trim().toUpperCase().min(1),
  free: LegacyNumber,
  locked: LegacyNumber.optional(),
});

export const LegacyBalanceSnapshot = z.object({
  _id: LegacyId,
  walletId: LegacyId,
  takenAt: LegacyDate,
  balances: z.array(LegacyBalanceLine),
});

export const LegacyBotEvent = z.object({
  _id: LegacyId,
  botId: LegacyId,
  at: LegacyDate,
  type: z.string().trim().min(1, 'is missing').max(64),
  message: z.string().max(4000).optional(),
});

export type LegacyUser = z.output<typeof LegacyUser>;
export type LegacyStrategy = z.output<typeof LegacyStrategy>;
export type LegacyWallet = z.output<typeof LegacyWallet>;
export type LegacyBot = z.output<typeof LegacyBot>;
export type LegacyTrade = z.output<typeof LegacyTrade>;
export type LegacyBalanceSnapshot = z.output<typeof LegacyBalanceSnapshot>;
export type LegacyBotEvent = z.output<typeof LegacyBotEvent>;

type Issue = z.core.$ZodIssue;

/** A readable message for one issue; a union (several accepted forms) reports its most telling branch. */
function issueMessage(issue: Issue): string {
  if (issue.code === 'invalid_type') return issue.message.includes('received undefined') ? 'is missing' : `has the wrong type (${issue.message.replace(/^Invalid input: /, '')})`;
  if (issue.code !== 'invalid_union') return issue.message;
  const branches = issue.errors.flat();
  if (branches.length && branches.every((b) => b.code === 'invalid_type' && b.message.includes('received undefined'))) return 'is missing';
  const telling = branches.find((b) => b.code !== 'invalid_type');
  return telling ? issueMessage(telling) : 'has the wrong type';
}

/** The first problem of a failed parse, naming the field: what the quarantine shows an operator. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0] as Issue | undefined;
  if (!issue) return 'invalid document';
  return `${issue.path.join('.') || 'document'}: ${issueMessage(issue)}`;
}
