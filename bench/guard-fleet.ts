// What the guard benchmarks share: a worker process on its own task queue (with its CPU and memory read from /proc),
// and a fleet of wallet guards over 20 symbols, owned by one user with 50 paper accounts, created through the API's path.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { insertExchangeAccount } from '../db/exchange-accounts.js';
import { createDb, sql, type Db } from '../db/pool.js';
import { accountCredentialsPlace, createSecretBox } from '../db/secret-box.js';
import { insertUser } from '../db/users.js';
import { readConfig, secretKeyRing } from '../domain/config.js';
import { DEFAULT_MARKETS } from '../exchange/markets.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { freePort } from '../scripts/services/ports.js';
import { createGuardCommands } from '../server/guard-commands.js';
import { platformDataConverter } from '../temporal/data-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { z } from 'zod';

export const SYMBOLS = 20;
const ACCOUNTS = 50;
const BATCH = 500;

export interface BenchWorker {
  process: ChildProcess;
  /** User + system CPU seconds the worker has used so far. */
  cpuSeconds(): number;
  rssMiB(): number;
  /**
   * The worker's Temporal SDK metrics, each summed over its series: histograms as `<name>_sum` (ms) and `<name>_count`;
   * series of other workflow types than the guard's left out; task slots of workflow workers as `workflow_<name>`.
   */
  metrics(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

/** Starts `worker/main.ts` on `taskQueue` and resolves once it says it is ready; stdout lines go to `onLine`. */
export async function startBenchWorker(opts: {
  taskQueue: string; exchangeUrl: string; env?: Record<string, string>; nodeArgs?: string[]; onLine?: (line: string) => void; stdin?: boolean;
}): Promise<BenchWorker> {
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  // At `info`: the worker announces that it is ready at that level (pino), and this waits for that line.
  const child = spawn(process.execPath, ['--import', 'tsx', ...(opts.nodeArgs ?? []), 'worker/main.ts'], {
    env: { ...process.env, TEMPORAL_TASK_QUEUE: opts.taskQueue, PAPER_EXCHANGE_URL: opts.exchangeUrl, LOG_LEVEL: 'info', WORKER_METRICS_ADDRESS: metricsAddress, ...opts.env },
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let rest = '';
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code} before it was ready`)));
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (rest + d.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (line.includes('worker ready')) resolve();
        opts.onLine?.(line);
      }
    });
  });
  const pid = child.pid!;
  return {
    process: child,
    cpuSeconds() {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    rssMiB: () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024,
    async metrics() {
      const text = await (await fetch(`http://${metricsAddress}/metrics`)).text();
      const out: Record<string, number> = {};
      for (const line of text.split('\n')) {
        const m = /^tradefleet_worker_([a-z_]+)(?:\{([^}]*)\})? ([0-9.e+-]+)$/.exec(line);
        if (!m || m[2]?.includes('le=')) continue;
        if (m[2]?.includes('workflow_type=') && !m[2].includes('workflow_type="guardWorkflow"')) continue;
        const key = m[2]?.includes('worker_type="WorkflowWorker"') ? `workflow_${m[1]}` : m[1]!;
        out[key] = (out[key] ?? 0) + Number(m[3]);
      }
      return out;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface FleetGuard {
  id: string;
  base: string;
  trailPct: number;
}

export interface GuardFleet {
  db: Db;
  client: Client;
  userId: string;
  markets: typeof DEFAULT_MARKETS;
  /** The paper accounts, in the order guards are spread over them. */
  papers: Array<{ id: string; apiKey: string; secret: string }>;
  guards: FleetGuard[];
  /**
   * Creates guards until the fleet has `total`: guard i watches symbol i % 20, on account i / (total / 50). The first `exiting` guards trail by 1-5 %
   * (ten per symbol and trail for 1,000 of them), the others by 10-14 % (the benchmark's falls never reach them). Batches of
   * 500 through the API's batched create, or with `single` one create each, 20 at a time (the API's single create).
   */
  grow(total: number, opts?: { exiting?: number; single?: boolean }): Promise<void>;
  /** Guards of the fleet in `state`, from PostgreSQL. */
  count(where: ReturnType<typeof sql.fragment>): Promise<number>;
  close(): Promise<void>;
}

async function retried<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= 5) throw error;
      console.log(`[bench] retrying a guard creation after: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 1000 * n));
    }
  }
}

/** A user with 50 paper accounts, each holding enough of every symbol for `maxGuards` guards. */
export async function createGuardFleet(exchange: PaperExchangeHandle, taskQueue: string, maxGuards: number): Promise<GuardFleet> {
  const config = readConfig({ ...process.env, TEMPORAL_TASK_QUEUE: taskQueue });
  const db = await createDb(config.DATABASE_URL);
  const box = createSecretBox(secretKeyRing(config));
  const client = new Client({
    connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }),
    dataConverter: platformDataConverter(createPayloadCodec(secretKeyRing(config))),
  });
  const markets = DEFAULT_MARKETS.slice(0, SYMBOLS);
  const userId = (await insertUser(db, null, { id: randomUUID(), email: `bench-${randomUUID()}@example.com`, passwordHash: 'x' })).id;
  // One ccxt client per account, as every account has its own order rate limit.
  const papers = Array.from({ length: ACCOUNTS }, () =>
    exchange.createAccount({ balances: Object.fromEntries(markets.map((m) => [m.base, String(Math.ceil((100 / m.price) * maxGuards))])) }));
  const accounts = await Promise.all(papers.map((paper, i) => {
    const id = randomUUID();
    return insertExchangeAccount(db, null, {
      id, userId, exchangeId: 'paper', label: `bench ${i}`, apiKeyHint: '…', syncIntervalSeconds: 3600,
      sealedCredentials: box.seal(JSON.stringify({ apiKey: paper.apiKey, secret: paper.secret }), accountCredentialsPlace(id)),
    });
  }));
  const commands = createGuardCommands(client, taskQueue, db);
  const guards: FleetGuard[] = [];
  return {
    db, client, userId, markets, papers, guards,
    async grow(total, opts = {}) {
      const exiting = opts.exiting ?? total;
      const specOf = (i: number) => {
        const m = markets[i % SYMBOLS]!;
        return {
          base: m.base,
          spec: {
            // Blocks of consecutive guards per account, so a batch reads few balances (each read weighs 20 of the
            // exchange's 6,000 a minute).
            target: { kind: 'wallet', exchangeAccountId: accounts[Math.floor(i / Math.ceil(total / ACCOUNTS))]!.id, symbol: `${m.base}/USDT`, amount: Number((12 / m.price).toPrecision(3)) * 2 },
            trail: { trailPct: i < exiting ? 1 + (Math.floor(i / SYMBOLS) % 5) : 10 + (i % 5) },
          },
        };
      };
      if (opts.single) {
        for (let i = guards.length; i < total; i += 20) {
          await Promise.all(Array.from({ length: Math.min(20, total - i) }, async (_, k) => {
            const { base, spec } = specOf(i + k);
            // A busy shared machine can time an update out: the same idempotency key makes the retry the same guard.
            const guard = await retried(() => commands.create(userId, spec, `bench-guard-${i + k}`));
            guards.push({ id: guard.id, base, trailPct: guard.rules.trail!.trailPct });
          }));
        }
        return;
      }
      // Two batches in flight: one is checked and written while the other's workflows start.
      const batches: number[] = [];
      for (let i = guards.length; i < total; i += BATCH) batches.push(i);
      const made = new Map<number, FleetGuard[]>();
      await Promise.all([0, 1].map(async () => {
        for (let first = batches.shift(); first !== undefined; first = batches.shift()) {
          const items = Array.from({ length: Math.min(BATCH, total - first) }, (_, k) => specOf(first + k));
          const created = await retried(() => commands.createBatch(userId, items.map((x) => x.spec), `bench-batch-${first}`));
          made.set(first, created.map((g, k) => ({ id: g.id, base: items[k]!.base, trailPct: g.rules.trail!.trailPct })));
        }
      }));
      for (const first of [...made.keys()].sort((a, b) => a - b)) guards.push(...made.get(first)!);
    },
    count: (where) => db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from guards where user_id = ${userId} and ${where}`),
    async close() {
      await client.connection.close();
      await db.end();
    },
  };
}
