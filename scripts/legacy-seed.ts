// Fills a MongoDB with the legacy platform's data at any size, messy the way the old platform left it: missing fields,
// numbers as strings, ObjectIds stored as hex, embedded arrays, emails duplicated by case, documents that break the new schema.
import { ObjectId, type Db as MongoDb, type Document } from 'mongodb';

export interface LegacySeedOptions {
  trades: number;
  users?: number;
  /** One password hash for every legacy user (argon2id, as the platform verifies); tests sign in with its password. */
  passwordHash: string;
  seed?: number;
  batchSize?: number;
  log?: (line: string) => void;
}

/** A document the seed broke on purpose, and the field whose problem the quarantine must name. */
export interface PlantedProblem { collection: string; legacyId: string; field: string }

export interface LegacySeedSummary {
  counts: Record<string, number>;
  planted: PlantedProblem[];
  /** A user that maps cleanly (for sign-in tests). */
  sampleUser: { email: string; legacyId: string };
}

/** mulberry32: a small deterministic PRNG, so the same seed gives the same data set. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PAIRS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT'];
const DAY = 86_400_000;

export async function seedLegacy(mongo: MongoDb, options: LegacySeedOptions): Promise<LegacySeedSummary> {
  const rnd = prng(options.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const maybeString = (n: number, digits = 8) => (rnd() < 0.4 ? n.toFixed(digits) : Number(n.toFixed(digits)));
  const batchSize = options.batchSize ?? 5_000;
  const planted: PlantedProblem[] = [];
  const counts: Record<string, number> = {};
  const say = options.log ?? (() => {});
  const t0 = Date.UTC(2021, 0, 1);

  const insert = async (name: string, docs: Document[]) => {
    for (let i = 0; i < docs.length; i += batchSize) await mongo.collection(name).insertMany(docs.slice(i, i + batchSize), { ordered: true });
    counts[name] = (counts[name] ?? 0) + docs.length;
  };
  const plant = (collection: string, doc: Document, field: string) => planted.push({ collection, legacyId: (doc._id as ObjectId).toHexString(), field });

  const userCount = options.users ?? Math.max(20, Math.min(20_000, Math.round(options.trades / 100)));
  const users: Document[] = [];
  for (let i = 0; i < userCount; i += 1) {
    const created = t0 + Math.floor(rnd() * 700) * DAY;
    const u: Document = { _id: new ObjectId(), email: `trader${i}@legacy.example`, passwordHash: options.passwordHash, role: i === 0 ? 'admin' : 'trader' };
    // Three date forms the old code wrote, and none at all.
    const form = i % 4;
    if (form === 0) u.createdAt = new Date(created);
    else if (form === 1) u.createdAt = new Date(created).toISOString();
    else if (form === 2) u.createdAt = created;
    if (i % 3 === 0) u.profile = { name: `Trader ${i}`, country: pick(['DE', 'FR', 'US', 'JP']) };
    if (i % 97 === 13) {
      delete u.email;
      plant('users', u, 'email');
    }
    users.push(u);
    if (i % 50 === 7) {
      // The same person signed up again with different capitals: the second account is quarantined, not merged silently.
      const dup: Document = { _id: new ObjectId(), email: `Trader${i}@Legacy.Example`, passwordHash: options.passwordHash, createdAt: new Date(created + DAY) };
      plant('users', dup, 'email');
      users.push(dup);
    }
  }
  await insert('users', users);
  const owners = users.filter((u) => u.email && /^trader\d+@/.test(String(u.email)));

  const strategies: Document[] = [];
  for (const [i, u] of owners.entries()) {
    if (i % 5 !== 0) continue;
    const rules = { indicators: [{ id: 'rsi', kind: 'rsi', period: 14 }], entry: [{ left: 'rsi', op: '<', right: 30 }], exit: [{ left: 'rsi', op: '>', right: 70 }] };
    const s: Document = { _id: new ObjectId(), owner: rnd() < 0.5 ? u._id : (u._id as ObjectId).toHexString(), name: `legacy strategy ${i}`, content: rnd() < 0.5 ? rules : JSON.stringify({ ...rules, v: i }), author: String(u.email), createdAt: new Date(t0 + i * DAY) };
    if (i % 40 === 0 && i > 0) {
      delete s.name;
      plant('strategies', s, 'name');
    }
    strategies.push(s);
  }
  await insert('strategies', strategies);

  const wallets: Document[] = [];
  for (const [i, u] of owners.entries()) {
    if (rnd() > 0.7) continue;
    const key = Buffer.from(Array.from({ length: 16 }, () => Math.floor(rnd() * 256))).toString('hex');
    const w: Document = { _id: new ObjectId(), userId: rnd() < 0.8 ? u._id : (u._id as ObjectId).toHexString(), exchange: pick(['binance', 'Binance', 'kraken', 'paper']), apiKey: key, apiSecret: `${key}${key}`, syncEvery: rnd() < 0.5 ? '120' : 60 };
    if (rnd() < 0.5) w.label = `wallet of trader ${i}`;
    if (i % 50 === 3) {
      delete w.apiSecret;
      plant('wallets', w, 'apiSecret');
    }
    wallets.push(w);
  }
  await insert('wallets', wallets);

  const botCount = Math.max(10, Math.min(5_000, Math.round(options.trades / 200)));
  const bots: Document[] = [];
  for (let i = 0; i < botCount; i += 1) {
    const owner = owners[i % owners.length]!;
    const ownWallet = wallets.find((w) => String(w.userId) === String(owner._id) || String(w.userId) === (owner._id as ObjectId).toHexString());
    const pairs = [pick(PAIRS), pick(PAIRS)];
    const b: Document = {
      _id: new ObjectId(), userId: owner._id, name: `legacy bot ${i}`, pairs: rnd() < 0.5 ? pairs : pairs.join(','), stake: maybeString(10 + rnd() * 490, 2),
      dryRun: pick([true, false, 'true', 'false']), status: pick(['active', 'paused', 'stopped', 'error']), config: { timeframe: '5m', notes: ['migrated'] },
      createdAt: new Date(t0 + i * 3_600_000),
    };
    if (ownWallet && rnd() < 0.5) b.walletId = ownWallet._id;
    const strategy = strategies.find((s) => String(s.owner) === String(owner._id) || String(s.owner) === (owner._id as ObjectId).toHexString());
    if (strategy && rnd() < 0.5) b.strategyId = strategy._id;
    if (i % 60 === 11) {
      b.stake = '0';
      plant('bots', b, 'stake');
    }
    bots.push(b);
  }
  const orphanOwner = users.find((u) => /^Trader/.test(String(u.email ?? '')));
  if (orphanOwner) {
    // Owned by a quarantined duplicate account: quarantined in turn, with the reason naming its owner.
    const b: Document = { _id: new ObjectId(), userId: orphanOwner._id, name: 'bot of a duplicate account', pairs: ['BTC/USDT'], stake: 25, status: 'stopped' };
    plant('bots', b, 'userId');
    bots.push(b);
  }
  await insert('bots', bots);
  const goodBots = bots.filter((b) => b.stake !== '0' && b.name !== 'bot of a duplicate account');

  // Trades, written in chunks so a million of them never sit in memory at once.
  const nextTradeId = new Map<string, number>();
  for (let start = 0; start < options.trades; start += 50_000) {
    const chunk: Document[] = [];
    for (let i = start; i < Math.min(options.trades, start + 50_000); i += 1) {
      const bot = goodBots[Math.floor(rnd() * goodBots.length)]!;
      const key = (bot._id as ObjectId).toHexString();
      const tradeId = (nextTradeId.get(key) ?? 0) + 1;
      nextTradeId.set(key, tradeId);
      const openRate = 100 + rnd() * 50_000;
      const amount = rnd() * 2;
      const closed = rnd() < 0.9;
      const openedAt = t0 + Math.floor(rnd() * 900 * DAY);
      const t: Document = {
        _id: new ObjectId(), botId: rnd() < 0.7 ? bot._id : key, tradeId: rnd() < 0.3 ? String(tradeId) : tradeId, pair: pick(PAIRS),
        amount: maybeString(amount), stake: maybeString(amount * openRate, 4), openRate: maybeString(openRate, 4), openedAt: new Date(openedAt),
      };
      if (closed) {
        const closeRate = openRate * (0.9 + rnd() * 0.2);
        Object.assign(t, { status: 'closed', closeRate: maybeString(closeRate, 4), closedAt: new Date(openedAt + 3_600_000), profit: maybeString((closeRate - openRate) * amount, 6), exitReason: pick(['roi', 'stop_loss', 'exit_signal']) });
        if (rnd() < 0.5) t.fees = { open: maybeString(amount * openRate * 0.001, 6), close: maybeString(amount * closeRate * 0.001, 6) };
      } else if (rnd() < 0.5) t.status = 'open';
      if (i % 1000 === 500) {
        delete t.openRate;
        plant('trades', t, 'openRate');
      } else if (i % 2000 === 1234) {
        t.pair = 'BTCUSDT';
        plant('trades', t, 'pair');
      }
      chunk.push(t);
    }
    await insert('trades', chunk);
    say(`trades: ${Math.min(options.trades, start + 50_000)} / ${options.trades}`);
  }

  const balances: Document[] = [];
  const goodWallets = wallets.filter((w) => w.apiSecret);
  for (let i = 0; i < Math.max(5, Math.round(options.trades / 50)) && goodWallets.length; i += 1) {
    const w = goodWallets[i % goodWallets.length]!;
    balances.push({
      _id: new ObjectId(), walletId: w._id, takenAt: new Date(t0 + i * 600_000),
      balances: [{ asset: 'usdt', free: maybeString(rnd() * 10_000, 2), locked: maybeString(rnd() * 100, 2) }, { asset: 'BTC', free: maybeString(rnd(), 8) }],
    });
  }
  await insert('balances', balances);

  const events: Document[] = [];
  for (let i = 0; i < Math.max(10, Math.round(options.trades / 20)); i += 1) {
    const bot = goodBots[i % goodBots.length]!;
    const e: Document = { _id: new ObjectId(), botId: bot._id, at: new Date(t0 + i * 60_000), type: pick(['started', 'stopped', 'order_filled', 'error']), message: `event ${i}` };
    if (i % 500 === 250) {
      delete e.type;
      plant('botEvents', e, 'type');
    }
    events.push(e);
  }
  await insert('botEvents', events);

  const sample = owners[1]!;
  return { counts, planted, sampleUser: { email: String(sample.email), legacyId: (sample._id as ObjectId).toHexString() } };
}
