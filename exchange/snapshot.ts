// Optional persistence: accounts, orders, trades and prices to a JSON file (written atomically), so a restarted exchange keeps its state.
import fs from 'node:fs';
import path from 'node:path';
import type { Account } from './accounts.js';
import type { Fill, Order } from './order-types.js';

const VERSION = 1;

export interface SnapshotData {
  version: number;
  savedAt: number;
  nextOrderId: number;
  nextTradeId: number;
  prices: Record<string, { price: number; paused: boolean }>;
  accounts: Account[];
}

// Amounts are bigints in memory: written as strings tagged so they come back as bigints.
const replacer = (_key: string, value: unknown) => {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Map) return { $map: [...value.entries()] };
  return value;
};
const reviver = (_key: string, value: unknown) => {
  if (typeof value === 'string' && /^-?\d+n$/.test(value)) return BigInt(value.slice(0, -1));
  if (value && typeof value === 'object' && '$map' in value) return new Map((value as { $map: [unknown, unknown][] }).$map);
  return value;
};

/** Accounts are saved without their derived indexes (clientOrderId map, trades are rebuilt from orders). */
function accountForDisk(a: Account) {
  return { ...a, byClientOrderId: undefined, trades: undefined };
}

export function writeSnapshot(file: string, data: Omit<SnapshotData, 'version'>): void {
  const body = JSON.stringify({ version: VERSION, ...data, accounts: data.accounts.map(accountForDisk) }, replacer);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  // It holds API secrets: readable by the owner only.
  fs.writeFileSync(tmp, body, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function readSnapshot(file: string): SnapshotData | null {
  if (!fs.existsSync(file)) return null;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'), reviver) as SnapshotData;
  if (raw.version !== VERSION) throw new Error(`snapshot ${file} has version ${raw.version}, expected ${VERSION}`);
  for (const a of raw.accounts) {
    const orders = a.orders as Map<number, Order>;
    a.byClientOrderId = new Map([...orders.values()].map((o) => [o.clientOrderId, o]));
    a.trades = [...orders.values()].flatMap((o): Fill[] => o.fills).sort((x, y) => x.tradeId - y.tradeId);
  }
  return raw;
}
