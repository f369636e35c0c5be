// Paper accounts: API key and secret, balances (free and locked) in exact units, commission rates, and the account's orders and trades.
import { randomBytes } from 'node:crypto';
import { formatUnits, units } from '../domain/exchange-decimal.js';
import type { Fill, Order } from './order-types.js';

export interface Balance {
  free: bigint;
  locked: bigint;
}

export interface Account {
  id: string;
  label: string;
  apiKey: string;
  secret: string;
  uid: number;
  balances: Map<string, Balance>;
  /** Commission rates in units (0.1 % = 100_000n). */
  makerRate: bigint;
  takerRate: bigint;
  orders: Map<number, Order>;
  byClientOrderId: Map<string, Order>;
  trades: Fill[];
  updateTime: number;
}

export interface AccountSeed {
  id?: string;
  label?: string;
  apiKey?: string;
  secret?: string;
  /** Starting free balances, e.g. { USDT: '10000', BTC: 0.5 }. */
  balances?: Record<string, string | number>;
  /** Commission rates as fractions (0.001 = 0.1 %). */
  makerCommission?: number | string;
  takerCommission?: number | string;
}

/** Binance API keys are 64 alphanumerics; anything alphanumeric up to 128 is accepted so tests can use short keys. */
export const API_KEY_FORMAT = /^[A-Za-z0-9]{1,128}$/;

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function randomKey(length = 64): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUM[bytes[i]! % ALPHANUM.length];
  return out;
}

const rate = (v: number | string | undefined, fallback: bigint): bigint => (v === undefined ? fallback : units(typeof v === 'number' ? v.toFixed(8) : v));

export class AccountStore {
  private readonly byId = new Map<string, Account>();
  private readonly byKey = new Map<string, Account>();
  private nextUid = 1;

  constructor(
    private readonly defaults: { makerRate: bigint; takerRate: bigint },
    private readonly clock: () => number,
  ) {}

  create(seed: AccountSeed = {}): Account {
    const apiKey = seed.apiKey ?? randomKey();
    if (!API_KEY_FORMAT.test(apiKey)) throw new Error('apiKey must be 1–128 letters and digits');
    if (this.byKey.has(apiKey)) throw new Error('an account with this apiKey already exists');
    const id = seed.id ?? `acct-${this.nextUid}`;
    if (this.byId.has(id)) throw new Error(`account ${id} already exists`);
    const account: Account = {
      id,
      label: seed.label ?? id,
      apiKey,
      secret: seed.secret ?? randomKey(),
      uid: this.nextUid++,
      balances: new Map(),
      makerRate: rate(seed.makerCommission, this.defaults.makerRate),
      takerRate: rate(seed.takerCommission, this.defaults.takerRate),
      orders: new Map(),
      byClientOrderId: new Map(),
      trades: [],
      updateTime: this.clock(),
    };
    for (const [asset, amount] of Object.entries(seed.balances ?? {})) {
      account.balances.set(asset, { free: units(typeof amount === 'number' ? amount.toFixed(8) : amount), locked: 0n });
    }
    this.add(account);
    return account;
  }

  /** Registers an account restored from a snapshot. */
  add(account: Account): void {
    this.byId.set(account.id, account);
    this.byKey.set(account.apiKey, account);
    this.nextUid = Math.max(this.nextUid, account.uid + 1);
  }

  byApiKey(apiKey: string): Account | undefined {
    return this.byKey.get(apiKey);
  }

  /** By id or by API key (admin calls may know either). */
  find(idOrKey: string): Account | undefined {
    return this.byId.get(idOrKey) ?? this.byKey.get(idOrKey);
  }

  all(): Account[] {
    return [...this.byId.values()];
  }

  remove(account: Account): void {
    this.byId.delete(account.id);
    this.byKey.delete(account.apiKey);
  }
}

function balance(account: Account, asset: string): Balance {
  let b = account.balances.get(asset);
  if (!b) {
    b = { free: 0n, locked: 0n };
    account.balances.set(asset, b);
  }
  return b;
}

export const freeOf = (account: Account, asset: string): bigint => account.balances.get(asset)?.free ?? 0n;

export function credit(account: Account, asset: string, amount: bigint): void {
  balance(account, asset).free += amount;
}

export function debitFree(account: Account, asset: string, amount: bigint): void {
  const b = balance(account, asset);
  if (b.free < amount) throw new Error(`internal: debit of ${asset} beyond free balance`);
  b.free -= amount;
}

export function lock(account: Account, asset: string, amount: bigint): void {
  const b = balance(account, asset);
  if (b.free < amount) throw new Error(`internal: lock of ${asset} beyond free balance`);
  b.free -= amount;
  b.locked += amount;
}

/** Releases a lock back to free (cancel, expiry). */
export function unlock(account: Account, asset: string, amount: bigint): void {
  const b = balance(account, asset);
  b.locked -= amount;
  b.free += amount;
}

/** Spends locked funds (a resting order filled). */
export function debitLocked(account: Account, asset: string, amount: bigint): void {
  balance(account, asset).locked -= amount;
}

/** Sets an asset's free balance outright (admin top-ups); locked funds are left alone. */
export function setFree(account: Account, asset: string, amount: bigint): void {
  balance(account, asset).free = amount;
}

export function balancesJson(account: Account, omitZero = false) {
  return [...account.balances.entries()]
    .filter(([, b]) => !omitZero || b.free !== 0n || b.locked !== 0n)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([asset, b]) => ({ asset, free: formatUnits(b.free), locked: formatUnits(b.locked) }));
}
