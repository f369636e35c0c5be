// A whole control plane started the way `npm start` starts it (scripts/start.ts: PostgreSQL, Temporal, paper exchange,
// worker, API, web) in a throwaway data dir, ports, pool and socket dir; SIGKILLed all at once (every process it
// started, found by parentage), started again, and driven through its HTTP API like a client. The kill tests and
// bench/control-plane-kill.ts share it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../scripts/services/ports.js';
import { dataDir, repoRoot } from '../scripts/services/paths.js';

export interface ControlPlane {
  apiUrl: string;
  origin: string;
  /** Its paper exchange (admin token in `<dir>/paper-exchange.json`). */
  exchangeUrl: string;
  poolId: string;
  socketDir: string;
  dir: string;
  /** Starts the platform; resolves with the milliseconds until `npm start` said it was ready. */
  start(): Promise<number>;
  /** SIGKILLs every process of the platform at once; resolves once all are gone, with how many there were. */
  kill(): Promise<number>;
  /** Kills what runs and removes the data dir (the caller removes its Docker things, which it can name). */
  destroy(): Promise<void>;
}

/** The environment the test runner exports for its shared services: a platform of its own must not inherit it. */
const SHARED = ['DATABASE_URL', 'DATABASE_ADMIN_URL', 'DATABASE_OWNER_URL', 'TEMPORAL_ADDRESS', 'MONGO_URL', 'TF_SECRET_KEY', 'TF_SECRET_KEY_RING', 'PAPER_EXCHANGE_URL'];

/**
 * The pids of `root`, of every process whose command line names `dir` (PostgreSQL detaches from its starter), and of
 * everything those started, from /proc (zombies left out: they are already dead).
 */
function processTree(root: number, dir: string): number[] {
  const parents = new Map<number, number>();
  const roots = new Set([root]);
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      parents.set(Number(name), Number(ppid));
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(dir)) roots.add(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [...roots].filter((pid) => parents.has(pid));
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parents) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  return tree;
}

/** Until its parent reaped it: PostgreSQL refuses to start while the pid in its lock file exists, even as a zombie. */
const exists = (pid: number): boolean => fs.existsSync(`/proc/${pid}`);

export async function createControlPlane(env: Record<string, string> = {}): Promise<ControlPlane> {
  const unique = randomUUID().slice(0, 8);
  const dir = path.join(dataDir, `ctl-${unique}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755); // the postgres system user must be able to enter it
  // What scripts/setup.sh makes once per data dir (its tools and images are the test run's own).
  fs.writeFileSync(path.join(dir, 'secret.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  const [api, web, pg, temporal, temporalUi, exchange] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const origin = `http://127.0.0.1:${web}`;
  const poolId = `ck-${unique}`;
  const socketDir = `/tmp/tf-ck-${unique}`;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SHARED.includes(k)));
  const childEnv = {
    ...inherited,
    TF_DATA_DIR: dir, API_PORT: String(api), WEB_PORT: String(web), TF_PG_PORT: String(pg), TF_TEMPORAL_PORT: String(temporal),
    TF_TEMPORAL_UI_PORT: String(temporalUi), PAPER_EXCHANGE_PORT: String(exchange), DASHBOARD_URL: origin,
    BOT_POOL_ID: poolId, DOCKER_HOST_NAME: `ck-${unique}`, BOT_SOCKET_DIR: socketDir, LOG_LEVEL: 'warn', WORKER_METRICS_ADDRESS: '',
    ...env,
  };
  const log = fs.openSync(path.join(dir, 'start.log'), 'a');
  let child: ChildProcess | null = null;

  async function kill(): Promise<number> {
    const tree = processTree(child?.pid ?? -1, dir);
    for (const pid of tree) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const deadline = Date.now() + 20_000;
    while (tree.some(exists) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child = null;
    return tree.length;
  }

  return {
    apiUrl: `http://127.0.0.1:${api}`,
    origin,
    exchangeUrl: `http://127.0.0.1:${exchange}`,
    poolId,
    socketDir,
    dir,
    async start() {
      const t0 = performance.now();
      fs.writeSync(log, `\n--- start at ${new Date().toISOString()}\n`);
      const started = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`the platform was not ready within 120 s; see ${dir}/start.log`)), 120_000);
        started.stderr!.on('data', (chunk: Buffer) => fs.writeSync(log, chunk));
        started.stdout!.on('data', (chunk: Buffer) => {
          fs.writeSync(log, chunk);
          out += chunk.toString();
          if (out.includes('tradefleet is ready in')) {
            clearTimeout(timer);
            resolve();
          }
        });
        started.once('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`npm start exited (${signal ?? code}) before it was ready; see ${dir}/start.log`));
        });
      });
      return performance.now() - t0;
    },
    kill,
    async destroy() {
      await kill();
      fs.closeSync(log);
      if (!process.env.TF_KEEP_CONTROL_PLANE) fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/** A signed-up user of a control plane, speaking its API over HTTP with the dashboard's Origin. */
export interface ApiUser {
  userId: string;
  call(method: string, route: string, body?: unknown, headers?: Record<string, string>, timeoutMs?: number): Promise<{ status: number; body: any }>;
}

export async function signUp(plane: ControlPlane): Promise<ApiUser> {
  const headers = { origin: plane.origin, 'content-type': 'application/json' };
  const res = await fetch(`${plane.apiUrl}/api/auth/signup`, {
    method: 'POST', headers, body: JSON.stringify({ email: `ck-${randomUUID()}@example.com`, password: 'correct horse battery' }),
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const cookie = String(res.headers.get('set-cookie')).split(';')[0]!;
  const { user } = (await res.json()) as { user: { id: string } };
  return {
    userId: user.id,
    async call(method, route, body, extra = {}, timeoutMs = 30_000) {
      const answer = await fetch(`${plane.apiUrl}${route}`, {
        method, headers: { ...headers, cookie, ...extra }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await answer.text();
      return { status: answer.status, body: text ? JSON.parse(text) : null };
    },
  };
}
