// Mapping version 1: each legacy document becomes one row of a platform table, or a quarantine reason. Pure and
// deterministic: the same document (and the same resolved references) always gives the same row and the same checksum line.
import type { z } from 'zod';
import { BOT_STATUSES, type BotStatus } from './bot.js';
import {
  LegacyBalanceSnapshot,
  LegacyBot,
  LegacyBotEvent,
  LegacyStrategy,
  LegacyTrade,
  LegacyUser,
  LegacyWallet,
  describeIssue,
  type LegacyCollection,
} from './legacy-model.js';

export const MAPPING_VERSION = 1;

/** Bumps the fields of a legacy ObjectId into a UUIDv8 (RFC 9562 custom layout), tagged by collection: stable and reversible. */
export function legacyUuid(collection: LegacyCollection, objectIdHex: string): string {
  const o = objectIdHex.toLowerCase();
  const tag = (LEGACY_TAG[collection] ?? 0).toString(16).padStart(4, '0');
  return `${tag}${o.slice(0, 4)}-${o.slice(4, 8)}-8${o.slice(8, 11)}-8${o.slice(11, 14)}-${o.slice(14, 24)}00`;
}
/** When a document had no creation date: the second its ObjectId was made (its first 4 bytes), as the old platform showed it. */
export const objectIdTime = (objectIdHex: string): string => new Date(parseInt(objectIdHex.slice(0, 8), 16) * 1000).toISOString();

const LEGACY_TAG: Record<LegacyCollection, number> = { users: 0x1e0a, strategies: 0x1e0b, wallets: 0x1e0c, bots: 0x1e0d, trades: 0x1e0e, balances: 0x1e0f, botEvents: 0x1e10 };

/** Which legacy document a reference points at; the activity looks them up in PostgreSQL by `legacy_id`. */
export interface LegacyRef {
  collection: 'users' | 'strategies' | 'wallets' | 'bots';
  legacyId: string;
}
/** The platform id of a referenced document, or null when it was not migrated (missing or quarantined). */
export type ResolveRef = (ref: LegacyRef) => string | null;

export type Mapped<Row> = { ok: true; row: Row } | { ok: false; reason: string };

export interface UserRowOut { legacyId: string; id: string; email: string; passwordHash: string; isOperator: boolean; createdAt: string }
export interface StrategyRowOut { legacyId: string; id: string; userId: string | null; name: string; engine: 'builtin' | 'freqtrade'; content: string; author: string; note: string; createdAt: string }
export interface WalletRowOut {
  legacyId: string; id: string; userId: string; exchangeId: string; label: string; apiKeyHint: string; syncIntervalSeconds: number; createdAt: string;
  /** Clear credentials to seal, or already sealed ones (a dual-written document). Never part of the checksum. */
  credentials: { apiKey: string; secret: string } | { sealed: string };
}
export interface BotRowOut {
  legacyId: string; id: string; userId: string; name: string; exchange: string; pairs: string[]; stakeAmount: number; stakeCurrency: string;
  dryRun: boolean; status: BotStatus; lastError: string | null; strategyVersionId: string | null; exchangeAccountId: string | null; createdAt: string;
}
export interface TradeRowOut {
  legacyId: string; botId: string; tradeId: number; pair: string; isOpen: boolean; amount: number; stakeAmount: number; openRate: number;
  closeRate: number | null; openDate: string; closeDate: string | null; profitAbs: number | null; profitRatio: number | null;
  feeOpen: number | null; feeClose: number | null; exitReason: string | null;
}
export interface BalanceRowOut { legacyId: string; accountId: string; takenAt: string; balances: Array<{ asset: string; free: number; used: number; total: number }> }
export interface BotEventRowOut { legacyId: string; botId: string; at: string; kind: string; message: string }

export interface RowByCollection {
  users: UserRowOut; strategies: StrategyRowOut; wallets: WalletRowOut; bots: BotRowOut; trades: TradeRowOut; balances: BalanceRowOut; botEvents: BotEventRowOut;
}
export type AnyRow = RowByCollection[LegacyCollection];

interface Mapper<C extends LegacyCollection, T> {
  schema: z.ZodType<T>;
  refs(doc: T): LegacyRef[];
  toRow(doc: T, resolve: ResolveRef): Mapped<RowByCollection[C]>;
  /** The values the verification compares, in a fixed order (no secrets, nothing generated at write time). */
  canonical(row: RowByCollection[C]): unknown[];
}

const missingRef = (what: string, ref: LegacyRef) => ({ ok: false as const, reason: `${what}: ${ref.collection} ${ref.legacyId} was not migrated (missing or quarantined)` });

/** Legacy bot states are not the platform's: migrated bots arrive stopped (no runtime exists yet) or failed. */
function botStatus(legacy: string): BotStatus {
  if ((BOT_STATUSES as readonly string[]).includes(legacy)) return legacy as BotStatus;
  return legacy === 'error' || legacy === 'crashed' ? 'failed' : 'stopped';
}

const users: Mapper<'users', z.output<typeof LegacyUser>> = {
  schema: LegacyUser,
  refs: () => [],
  toRow: (d) => ({
    ok: true,
    row: { legacyId: d._id, id: d.platformId ?? legacyUuid('users', d._id), email: d.email, passwordHash: d.passwordHash, isOperator: d.role === 'admin' || d.role === 'operator', createdAt: d.createdAt ?? objectIdTime(d._id) },
  }),
  canonical: (r) => [r.id, r.email, r.passwordHash, r.isOperator, r.createdAt],
};

const strategies: Mapper<'strategies', z.output<typeof LegacyStrategy>> = {
  schema: LegacyStrategy,
  refs: (d) => (d.owner ? [{ collection: 'users', legacyId: d.owner }] : []),
  toRow: (d, resolve) => {
    const userId = d.owner ? resolve({ collection: 'users', legacyId: d.owner }) : null;
    if (d.owner && !userId) return missingRef('owner', { collection: 'users', legacyId: d.owner });
    return { ok: true, row: { legacyId: d._id, id: d.platformId ?? legacyUuid('strategies', d._id), userId, name: d.name, engine: d.engine, content: d.content, author: d.author ?? 'legacy', note: d.note ?? '', createdAt: d.createdAt ?? objectIdTime(d._id) } };
  },
  canonical: (r) => [r.id, r.userId, r.name, r.engine, r.content, r.author, r.note, r.createdAt],
};

const wallets: Mapper<'wallets', z.output<typeof LegacyWallet>> = {
  schema: LegacyWallet,
  refs: (d) => [{ collection: 'users', legacyId: d.userId }],
  toRow: (d, resolve) => {
    const userId = resolve({ collection: 'users', legacyId: d.userId });
    if (!userId) return missingRef('userId', { collection: 'users', legacyId: d.userId });
    let credentials: WalletRowOut['credentials'];
    if (d.sealedCredentials) credentials = { sealed: d.sealedCredentials };
    else if (d.apiKey && d.apiSecret) credentials = { apiKey: d.apiKey, secret: d.apiSecret };
    else return { ok: false, reason: d.apiKey ? 'apiSecret: is missing' : 'apiKey: is missing' };
    const hint = d.apiKeyHint ?? ('apiKey' in credentials ? credentials.apiKey.slice(-4) : '');
    const every = Math.round(d.syncEvery ?? 60);
    return {
      ok: true,
      row: { legacyId: d._id, id: d.platformId ?? legacyUuid('wallets', d._id), userId, exchangeId: d.exchange, label: d.label || `${d.exchange} wallet`, apiKeyHint: hint, syncIntervalSeconds: Math.min(86_400, Math.max(10, every)), createdAt: d.createdAt ?? objectIdTime(d._id), credentials },
    };
  },
  canonical: (r) => [r.id, r.userId, r.exchangeId, r.label, r.apiKeyHint, r.syncIntervalSeconds, r.createdAt],
};

const PAIR = /^[A-Z0-9]{2,15}\/[A-Z0-9]{2,15}$/;
const bots: Mapper<'bots', z.output<typeof LegacyBot>> = {
  schema: LegacyBot,
  refs: (d) => [
    { collection: 'users', legacyId: d.userId },
    ...(d.strategyId ? [{ collection: 'strategies' as const, legacyId: d.strategyId }] : []),
    ...(d.walletId ? [{ collection: 'wallets' as const, legacyId: d.walletId }] : []),
  ],
  toRow: (d, resolve) => {
    const userId = resolve({ collection: 'users', legacyId: d.userId });
    if (!userId) return missingRef('userId', { collection: 'users', legacyId: d.userId });
    if (d.pairs.length === 0) return { ok: false, reason: 'pairs: is empty' };
    const bad = d.pairs.findIndex((p) => !PAIR.test(p));
    if (bad >= 0) return { ok: false, reason: `pairs.${bad}: must look like BTC/USDT` };
    if (!(d.stake > 0)) return { ok: false, reason: 'stake: must be greater than 0' };
    return {
      ok: true,
      row: {
        legacyId: d._id, id: d.platformId ?? legacyUuid('bots', d._id), userId, name: d.name, exchange: d.exchange, pairs: [...new Set(d.pairs)],
        stakeAmount: d.stake, stakeCurrency: d.stakeCurrency, dryRun: d.dryRun, status: botStatus(d.status), lastError: d.lastError ?? null,
        strategyVersionId: d.strategyId ? resolve({ collection: 'strategies', legacyId: d.strategyId }) : null,
        exchangeAccountId: d.walletId ? resolve({ collection: 'wallets', legacyId: d.walletId }) : null,
        createdAt: d.createdAt ?? objectIdTime(d._id),
      },
    };
  },
  canonical: (r) => [r.id, r.userId, r.name, r.exchange, r.pairs, r.stakeAmount, r.stakeCurrency, r.dryRun, r.status, r.lastError, r.strategyVersionId, r.exchangeAccountId, r.createdAt],
};

const trades: Mapper<'trades', z.output<typeof LegacyTrade>> = {
  schema: LegacyTrade,
  refs: (d) => [{ collection: 'bots', legacyId: d.botId }],
  toRow: (d, resolve) => {
    const botId = resolve({ collection: 'bots', legacyId: d.botId });
    if (!botId) return missingRef('botId', { collection: 'bots', legacyId: d.botId });
    if (!(d.amount > 0)) return { ok: false, reason: 'amount: must be greater than 0' };
    const isOpen = d.status ? d.status === 'open' : d.closedAt == null;
    const profit = isOpen ? null : (d.profit ?? null);
    return {
      ok: true,
      row: {
        legacyId: d._id, botId, tradeId: d.tradeId, pair: d.pair, isOpen, amount: d.amount, stakeAmount: d.stake, openRate: d.openRate,
        closeRate: d.closeRate ?? null, openDate: d.openedAt, closeDate: d.closedAt ?? null, profitAbs: profit,
        profitRatio: profit === null || d.stake === 0 ? null : profit / d.stake, feeOpen: d.fees?.open ?? null, feeClose: d.fees?.close ?? null, exitReason: d.exitReason ?? null,
      },
    };
  },
  canonical: (r) => [r.botId, r.tradeId, r.pair, r.isOpen, r.amount, r.stakeAmount, r.openRate, r.closeRate, r.openDate, r.closeDate, r.profitAbs, r.feeOpen, r.feeClose, r.exitReason],
};

const balances: Mapper<'balances', z.output<typeof LegacyBalanceSnapshot>> = {
  schema: LegacyBalanceSnapshot,
  refs: (d) => [{ collection: 'wallets', legacyId: d.walletId }],
  toRow: (d, resolve) => {
    const accountId = resolve({ collection: 'wallets', legacyId: d.walletId });
    if (!accountId) return missingRef('walletId', { collection: 'wallets', legacyId: d.walletId });
    const lines = d.balances.map((b) => ({ asset: b.asset, free: b.free, used: b.locked ?? 0, total: b.free + (b.locked ?? 0) }));
    return { ok: true, row: { legacyId: d._id, accountId, takenAt: d.takenAt, balances: lines } };
  },
  canonical: (r) => [r.accountId, r.takenAt, r.balances],
};

const botEvents: Mapper<'botEvents', z.output<typeof LegacyBotEvent>> = {
  schema: LegacyBotEvent,
  refs: (d) => [{ collection: 'bots', legacyId: d.botId }],
  toRow: (d, resolve) => {
    const botId = resolve({ collection: 'bots', legacyId: d.botId });
    if (!botId) return missingRef('botId', { collection: 'bots', legacyId: d.botId });
    return { ok: true, row: { legacyId: d._id, botId, at: d.at, kind: d.type, message: d.message ?? '' } };
  },
  canonical: (r) => [r.botId, r.at, r.kind, r.message],
};

const MAPPERS: { [C in LegacyCollection]: Mapper<C, never> } = { users, strategies, wallets, bots, trades, balances, botEvents } as never;

/** Parsed document of one collection: its references still to resolve. */
export interface ParsedDoc { legacyId: string; value: unknown; refs: LegacyRef[] }

/** Step 1: validate the document's shape. `legacyId` is the hex `_id` when it has one (a quarantine needs it). */
export function parseLegacy(collection: LegacyCollection, doc: Record<string, unknown>): { ok: true; doc: ParsedDoc } | { ok: false; reason: string } {
  const mapper = MAPPERS[collection] as unknown as Mapper<LegacyCollection, unknown>;
  const parsed = mapper.schema.safeParse(doc);
  if (!parsed.success) return { ok: false, reason: describeIssue(parsed.error) };
  const value = parsed.data as { _id: string };
  return { ok: true, doc: { legacyId: value._id, value, refs: mapper.refs(value) } };
}

/** Step 2: the row, once the references are resolved. */
export function mapLegacy(collection: LegacyCollection, doc: ParsedDoc, resolve: ResolveRef): Mapped<AnyRow> {
  const mapper = MAPPERS[collection] as unknown as Mapper<LegacyCollection, unknown>;
  return mapper.toRow(doc.value as never, resolve) as Mapped<AnyRow>;
}

/** Sorted-key JSON: jsonb reorders object keys, so both sides must be written the same way before hashing. */
export function stableJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** One line of a range checksum: the legacy id and the compared values of its row. */
export function checksumLine(collection: LegacyCollection, row: AnyRow): string {
  const mapper = MAPPERS[collection] as unknown as Mapper<LegacyCollection, AnyRow>;
  return `${row.legacyId}\t${stableJson(mapper.canonical(row))}\n`;
}
