// A bot's saved state: what a bot keeps across host restarts and moves between containers, and its JSON file format.
//
// The file `<state dir>/<botId>.json` (the botId percent-encoded as by encodeURIComponent, which leaves a UUID as it is)
// is one JSON object, UTF-8, mode 0600:
//
//   format        "tradefleet-bot-state"
//   version       1 (a host refuses a file of another version: it sets it aside and starts the bot fresh)
//   botId         the bot it belongs to (a file under another bot's name is refused the same way)
//   dryRun        whether the trades are simulated; a bot switched between dry-run and live does not take them over
//   state         "running" | "paused" | "stopped": FreqTrade's trader state (/start, /pause or /stopentry, /stop)
//   botStart      ISO time the bot first traded (FreqTrade's bot_start_time), or null
//   lastTradeId   highest trade id handed out; new trades continue after it
//   trades        every trade, open and closed: the fields of trade-ledger.ts's LedgerTrade with its filled `orders`;
//                 dates as ISO strings, numbers as JSON numbers, absent optional fields left out
//   locks         FreqTrade's pair locks: { id, pair, lockTime, lockEnd, reason, side? }; nextLockId: the next lock's id
//   blacklist     pairs (or FreqTrade wildcards) the bot must not enter, as /blacklist set them; absent in older files
//   pendingOrders live orders of unknown outcome: { tradeId, kind: "entry" | "exit", reason, request: { pair, side,
//                 amount, price, clientOrderId } }, looked up by their client order id after the restore
//
// The dry-run wallet is not stored as balances: like FreqTrade, it is the configured starting capital plus the profit
// of the stored trades minus the stake in open ones, so the same trades give back the same wallet. There is no time of
// saving in it (the file's mtime tells), so an unchanged bot gives byte-identical text and is not written again.
// The file holds no secret (no API password, JWT secret or exchange key). The platform copies it byte for byte between
// containers (Docker's getArchive/putArchive) and never parses it.
import type { PendingOrder } from './order-desk.js';
import { Checker, type Obj } from './config-checker.js';
import type { PairLock } from './pair-locks.js';
import type { LedgerOrder, LedgerTrade } from './trade-ledger.js';

export const SNAPSHOT_FORMAT = 'tradefleet-bot-state';
export const SNAPSHOT_VERSION = 1;

export type SavedTraderState = 'running' | 'paused' | 'stopped';

export interface BotSnapshot {
  dryRun: boolean;
  state: SavedTraderState;
  botStart: Date | null;
  lastTradeId: number;
  trades: LedgerTrade[];
  locks: PairLock[];
  nextLockId: number;
  pendingOrders: PendingOrder[];
  /** Absent in files written before the blacklist was kept. */
  blacklist?: string[];
}

/** The file's text; taken at once, so later changes to the bot do not leak into a write in progress. */
export function encodeSnapshot(botId: string, s: BotSnapshot): string {
  // Dates serialize through Date.prototype.toJSON as ISO strings, which decodeSnapshot turns back into Dates.
  const { dryRun, state, botStart, lastTradeId, trades, locks, nextLockId, pendingOrders, blacklist } = s;
  return `${JSON.stringify({
    format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, botId, dryRun, state, botStart, lastTradeId, trades, locks,
    nextLockId, pendingOrders, ...(blacklist?.length ? { blacklist } : {}),
  })}\n`;
}

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

/** `T`: plain value. `T?`: may be null. `T~`: may be absent. Dates are ISO strings in the file. */
type Base = 'int' | 'num' | 'str' | 'bool' | 'date';
type Kind = Base | `${Base}?` | `${Base}~` | `${Base}~?` | ((c: Checker, v: unknown, path: string) => unknown);

function value(c: Checker, v: unknown, path: string, kind: Kind): unknown {
  if (typeof kind === 'function') return kind(c, v, path);
  if (v === undefined && kind.includes('~')) return undefined;
  if (v === null && kind.endsWith('?')) return null;
  switch (kind.replace(/[~?]/g, '') as Base) {
    case 'int':
      return c.num(v, path, { int: true });
    case 'num':
      return c.num(v, path);
    case 'str':
      return c.str(v, path);
    case 'bool':
      return c.bool(v, path);
    case 'date': {
      const d = typeof v === 'string' ? new Date(v) : null;
      return d && !Number.isNaN(d.getTime()) ? d : c.fail(path, 'expected an ISO date');
    }
  }
}

/** An object with exactly the fields of `spec` (others dropped); typed by the interface's keys, so a new field fails to compile here. */
function record<T>(c: Checker, v: unknown, path: string, spec: Record<keyof T, Kind>): T | undefined {
  const o = c.obj(v, path);
  if (!o) return undefined;
  const out: Obj = {};
  for (const [key, kind] of Object.entries(spec) as [string, Kind][]) {
    const x = value(c, o[key], `${path}.${key}`, kind);
    if (x !== undefined) out[key] = x;
  }
  return out as T;
}

const list = <T>(item: (c: Checker, v: unknown, path: string) => T | undefined) => (c: Checker, v: unknown, path: string): T[] | undefined =>
  c.list(v, path, 0)?.map((x, i) => item(c, x, `${path}.${i}`) as T);
const side = (c: Checker, v: unknown, path: string) => c.oneOf(v, path, ['buy', 'sell'] as const);

const ORDER: Record<keyof LedgerOrder, Kind> = {
  orderId: 'str', side, amount: 'num', filled: 'num', price: 'num', cost: 'num', feeBase: 'num?', placedAt: 'date',
  filledAt: 'date?', tag: 'str?',
};

const TRADE: Record<keyof LedgerTrade, Kind> = {
  id: 'int', pair: 'str', exchange: 'str', strategy: 'str', timeframe: 'num', isOpen: 'bool', amount: 'num',
  amountRequested: 'num', stakeAmount: 'num', maxStakeAmount: 'num~', openRate: 'num', openDate: 'date',
  openFillDate: 'date?', closeRate: 'num?', closeDate: 'date?', closeProfit: 'num?', closeProfitAbs: 'num?',
  realizedProfit: 'num', feeOpen: 'num', feeClose: 'num', enterTag: 'str?', exitReason: 'str?', stopLoss: 'num?',
  stopLossPct: 'num?', minRate: 'num?', maxRate: 'num?', filledVolume: 'num', lastRate: 'num?',
  initialStopLoss: 'num~?', initialStopLossPct: 'num~?', stoplossLastUpdate: 'date~?',
  orders: (c, v, path) => (v === undefined ? undefined : list((c2, x, p) => record<LedgerOrder>(c2, x, p, ORDER))(c, v, path)),
};

const LOCK: Record<keyof PairLock, Kind> = { id: 'int', pair: 'str', lockTime: 'date', lockEnd: 'date', reason: 'str', side: 'str~' };

const PENDING: Record<keyof PendingOrder, Kind> = {
  tradeId: 'int',
  kind: (c, v, path) => c.oneOf(v, path, ['entry', 'exit'] as const),
  reason: 'str?',
  request: (c, v, path) => record(c, v, path, { pair: 'str', side, amount: 'num', price: 'num', clientOrderId: 'str' }),
};

/** Reads a state file's text; throws a SnapshotError naming what is wrong (a path and rule, never a value). */
export function decodeSnapshot(text: string, botId: string): BotSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SnapshotError(text.trim() ? 'not valid JSON (truncated or damaged)' : 'empty file');
  }
  const c = new Checker();
  const o = c.obj(raw, '(root)');
  if (!o) throw new SnapshotError(c.issues.join('; '));
  if (o['format'] !== SNAPSHOT_FORMAT) throw new SnapshotError(`not a ${SNAPSHOT_FORMAT} file`);
  if (o['version'] !== SNAPSHOT_VERSION) throw new SnapshotError(`version ${String(o['version'])} is not the supported ${SNAPSHOT_VERSION}`);
  if (o['botId'] !== botId) throw new SnapshotError('it belongs to another bot');
  const s = record<BotSnapshot>(c, o, '(root)', {
    dryRun: 'bool',
    state: (c2, v, path) => c2.oneOf(v, path, ['running', 'paused', 'stopped'] as const),
    botStart: 'date?',
    lastTradeId: 'int',
    trades: list((c2, v, path) => record<LedgerTrade>(c2, v, path, TRADE)),
    locks: list((c2, v, path) => record<PairLock>(c2, v, path, LOCK)),
    nextLockId: 'int',
    pendingOrders: list((c2, v, path) => record<PendingOrder>(c2, v, path, PENDING)),
    blacklist: (c2, v, path) => (v === undefined ? undefined : list((c3, x, p) => c3.str(x, p))(c2, v, path)),
  });
  if (c.issues.length || !s) throw new SnapshotError(c.issues.slice(0, 3).join('; '));
  return s;
}
