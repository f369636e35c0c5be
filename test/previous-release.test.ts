// Migrations stay backward compatible for one version (docs/releases.md): the previous release's code runs against the
// schema this release migrated to, as it does after a rollback. Its files are checked out beside this checkout
// (test/previous-release.ts says which commit and why); a fresh database gets THIS release's migrations and rows that
// this release's code wrote in every table; then the previous release's own migrate, API server and worker run on it
// as child processes (with the test's Temporal and a paper exchange of this file's own). Its API must read every row
// this release wrote; it must run a bot end to end; and this release's API must read what it wrote. A failure names the
// route, step or table, with the old process's log.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../db/app-role.js';
import { guardTaskQueue, poolTaskQueue, walletSyncScheduleId } from '../domain/workflow-ids.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { repoRoot } from '../scripts/services/paths.js';
import { freePort, httpAnswers, waitFor as waitUntil } from '../scripts/services/ports.js';
import { PASSWORD, quietStrategy, tableCounts, writeEveryTable, type CurrentRows } from './current-release-writes.js';
import { createIsolatedDatabase, type IsolatedDatabase } from './isolated-database.js';
import { ORIGIN, loopbackAddress, startPlatform, type TestPlatform } from './platform.js';
import {
  checkOut, findPreviousRelease, killProcessBots, previousEnv, runReleaseMigrate, startReleaseProcess,
  type Checkout, type PreviousRelease, type ReleaseProcess,
} from './previous-release.js';

const unique = randomUUID().slice(0, 8);
const root = path.join(os.tmpdir(), `tf-prev-${unique}`);
const queue = `prev-${unique}`;
const socketDir = `/tmp/tf-pv-${unique}`;
const log = (line: string) => console.log(`[previous-release] ${line}`);

let release: PreviousRelease;
let checkout: Checkout | undefined;
let database: IsolatedDatabase | undefined;
let exchange: PaperExchangeHandle | undefined;
let platform: TestPlatform | undefined;
let current: CurrentRows;
/** Rows per table once this release had written, before the previous release touched the database. */
let written: Record<string, number>;
let migrated: { ok: boolean; output: string; before: string[]; after: string[] };
let server: ReleaseProcess | undefined;
let worker: ReleaseProcess | undefined;
let apiUrl: string;
let origin: string;

const appliedMigrations = (ownerUrl: string) =>
  withClient(ownerUrl, async (c) => (await c.query<{ name: string }>('select name from pgmigrations order by run_on, id')).rows.map((r) => r.name));

/** What the previous release's processes said last, for every failure message. */
const logs = () => `\n--- the previous release's server log ---\n${server?.tail() ?? '(not started)'}\n--- its worker log ---\n${worker?.tail() ?? '(not started)'}`;

/** Its server and worker logged no error so far: their background work (trade sync, market feed, reconciler) on rows
 * this release wrote shows only there. */
const expectNoErrorsLogged = () =>
  expect([...(server?.errors() ?? []), ...(worker?.errors() ?? [])], `the previous release's processes logged errors${logs()}`).toEqual([]);

/** A user of the previous release's API over HTTP, with the dashboard's Origin and a session cookie. */
async function releaseUser(email: string, signUp: boolean) {
  const headers = { origin, 'content-type': 'application/json' };
  const res = await fetch(`${apiUrl}/api/auth/${signUp ? 'signup' : 'signin'}`, { method: 'POST', headers, body: JSON.stringify({ email, password: PASSWORD }) });
  if (res.status !== (signUp ? 201 : 200)) throw new Error(`the previous release refused to sign ${email} ${signUp ? 'up' : 'in'}: ${res.status} ${await res.text()}${logs()}`);
  const cookie = String(res.headers.get('set-cookie')).split(';')[0]!;
  const call = async (method: string, route: string, body?: unknown, extra: Record<string, string> = { cookie }) => {
    const answer = await fetch(`${apiUrl}${route}`, { method, headers: { ...headers, ...extra }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    const text = await answer.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text for the message
    }
    return { status: answer.status, body: parsed };
  };
  /** The answer's body when its status is `status`; else an error naming the call, the answer and the logs. */
  const must = async (status: number, method: string, route: string, body?: unknown) => {
    const res = await call(method, route, body);
    if (res.status !== status) throw new Error(`the previous release: ${method} ${route} answered ${res.status}, not ${status}: ${JSON.stringify(res.body)}${logs()}`);
    return res.body;
  };
  return { call, must };
}

/** GET routes of the previous release's own OpenAPI document that answer JSON: lists, and `/api/<resource>/{id}`. */
function jsonGetRoutes(doc: { paths?: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }> }): string[] {
  return Object.entries(doc.paths ?? {})
    .filter(([route, item]) => item.get?.responses?.['200']?.content?.['application/json'] && (!route.includes('{') || /^\/api\/[a-z-]+\/\{id\}$/.test(route)))
    .map(([route]) => route);
}

/** The workflows and schedules this file's task queues and accounts left in the shared Temporal. */
async function cleanTemporal(client: Client, queues: string[], accountIds: string[]): Promise<void> {
  for (const q of queues) {
    for await (const wf of client.workflow.list({ query: `TaskQueue = '${q}' AND ExecutionStatus = 'Running'` })) {
      await client.workflow.getHandle(wf.workflowId, wf.runId).terminate('test over').catch(() => undefined);
    }
  }
  const schedules: string[] = accountIds.map(walletSyncScheduleId);
  for await (const s of client.schedule.list()) if (queues.some((q) => s.scheduleId.includes(q))) schedules.push(s.scheduleId);
  for (const id of schedules) await client.schedule.getHandle(id).delete().catch(() => undefined);
}

beforeAll(async () => {
  const t0 = performance.now();
  release = await findPreviousRelease(repoRoot);
  log(`the previous release: ${release.label}`);
  database = await createIsolatedDatabase('compat');
  exchange = await startPaperExchange({ port: 0, seed: `compat-${unique}` });
  const db = database;
  const ex = exchange;
  // The checkout and its bundles build while this release writes its rows.
  const settled = await Promise.allSettled([
    checkOut(repoRoot, release, path.join(root, 'release'), log).then((c) => { checkout = c; }),
    (async () => {
      platform = await startPlatform({ env: { DATABASE_URL: db.url, PAPER_EXCHANGE_URL: ex.url, BOT_DRIVER: 'process', TF_DATA_DIR: path.join(root, 'current') } });
      current = await writeEveryTable(platform, ex, queue);
      written = await tableCounts(db.ownerUrl);
    })(),
  ]);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  log(`checked out (node_modules ${checkout!.modules}), this release's rows written: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const shared = {
    DATABASE_URL: db.url, TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!, TF_SECRET_KEY: process.env.TF_SECRET_KEY!, TEMPORAL_TASK_QUEUE: queue,
    PAPER_EXCHANGE_URL: ex.url, LOG_LEVEL: 'warn', MONGO_URL: '',
  };
  // A rollback's first step: the previous release's migrate one-shot, on the schema this release left.
  const before = await appliedMigrations(db.ownerUrl);
  const outcome = await runReleaseMigrate(checkout!, previousEnv({ ...shared, DATABASE_OWNER_URL: db.ownerUrl }));
  migrated = { ...outcome, before, after: await appliedMigrations(db.ownerUrl) };

  const [api, web] = await Promise.all([freePort(), freePort()]);
  apiUrl = `http://127.0.0.1:${api}`;
  origin = `http://127.0.0.1:${web}`;
  const env = previousEnv({
    ...shared, API_HOST: '127.0.0.1', API_PORT: String(api), DASHBOARD_URL: origin, MAX_SIGNUPS_PER_ADDRESS_PER_HOUR: '1000000',
    BOT_DRIVER: 'process', BOT_PLACEMENT: 'dedicated', BOT_POOL_ID: queue, DOCKER_HOST_NAME: queue, BOT_SOCKET_DIR: socketDir,
    BOT_API_ADDRESS: loopbackAddress(), TF_DATA_DIR: path.join(root, 'release-data'), WORKER_METRICS_ADDRESS: '', WORKER_APP_METRICS_ADDRESS: '',
  });
  server = startReleaseProcess(checkout!, 'server/main.ts', env);
  worker = startReleaseProcess(checkout!, 'worker/main.ts', env);
  const running = () => !server!.exited() && !worker!.exited();
  const withLogs = (error: Error) => { throw new Error(`${error.message}${logs()}`); };
  await waitUntil('the previous release\'s API answers /api/health', () => httpAnswers(`${apiUrl}/api/health`, 299), { timeoutMs: 120_000, alive: running }).catch(withLogs);
  // Its worker polls its task queue once its bundles are loaded and its standing work is ensured.
  await waitUntil('the previous release\'s worker polls its task queue', async () => {
    const { pollers } = await platform!.temporal.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: queue }, taskQueueType: 1 });
    return (pollers?.length ?? 0) > 0;
  }, { timeoutMs: 120_000, alive: running }).catch(withLogs);
  log(`its migrate, server and worker run on this release's schema: ${((performance.now() - t0) / 1000).toFixed(1)} s in all`);
}, 900_000);

afterAll(async () => {
  await Promise.all([server?.stop(), worker?.stop()]);
  killProcessBots(path.join(root, 'release-data'));
  killProcessBots(path.join(root, 'current'));
  if (platform && database) {
    const accountIds = await withClient(database.ownerUrl, async (c) => (await c.query<{ id: string }>('select id::text from exchange_accounts')).rows.map((r) => r.id)).catch(() => []);
    const q = platform.config.TEMPORAL_TASK_QUEUE;
    await cleanTemporal(platform.temporal, [queue, guardTaskQueue(queue), poolTaskQueue(queue), q, guardTaskQueue(q), poolTaskQueue(q)], accountIds).catch(() => undefined);
  }
  await platform?.stop();
  await exchange?.close();
  await database?.drop();
  checkout?.remove();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(socketDir, { recursive: true, force: true });
}, 120_000);

describe('the previous release against this release\'s schema', () => {
  it('its migrate (a rollback\'s first step) accepts the schema and applies nothing', () => {
    expect(migrated.ok, `the previous release's db/migrate.ts failed on this release's schema:\n${migrated.output}`).toBe(true);
    expect(migrated.after, 'the previous release\'s migrate changed what is applied').toEqual(migrated.before);
  });

  it('its API reads every row this release wrote: each JSON GET of its API answers 200', async () => {
    const empty = Object.entries(written).filter(([, n]) => n === 0).map(([table]) => table);
    expect(empty, 'tables this release wrote no row in: test/current-release-writes.ts must write them').toEqual([]);

    const user = await releaseUser(current.email, false);
    const doc = await user.must(200, 'GET', '/api/openapi.json');
    const routes = jsonGetRoutes(doc);
    expect(routes, 'the previous release\'s OpenAPI document lists its routes').toContain('/api/bots');
    const failures: string[] = [];
    for (const route of routes) {
      const resource = /^\/api\/([a-z-]+)\/\{id\}$/.exec(route)?.[1];
      if (resource && !current.ids[resource]) {
        failures.push(`${route}: no ${resource} written by this release to read back (test/current-release-writes.ts)`);
        continue;
      }
      const concrete = resource ? route.replace('{id}', current.ids[resource]!) : route;
      const res = await user.call('GET', concrete);
      if (res.status !== 200) failures.push(`GET ${concrete} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 400)}`);
    }
    expect(failures, `the previous release could not read this release's rows:\n${failures.join('\n')}${logs()}`).toEqual([]);
    log(`${routes.length} GET routes of its API answered 200 on this release's rows`);

    const bots = await user.must(200, 'GET', '/api/bots');
    expect(bots.bots.find((b: { id: string }) => b.id === current.ids.bots)).toMatchObject({ name: 'current release bot', status: 'stopped' });
    const byToken = await user.call('GET', '/api/bots', undefined, { authorization: `Bearer ${current.token}` });
    expect(byToken.status, `this release's API token on the previous release: ${JSON.stringify(byToken.body)}${logs()}`).toBe(200);
    expectNoErrorsLogged();
  }, 120_000);

  it('it runs a bot end to end, and this release reads what it wrote', async () => {
    const email = `prev-${randomUUID()}@example.com`;
    const user = await releaseUser(email, true);
    const paper = exchange!.createAccount({ balances: { USDT: '1000' } });
    const account = await user.must(201, 'POST', '/api/exchange-accounts',
      { exchangeId: 'paper', label: 'Previous release', apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: 300 });
    const strategy = await user.must(201, 'POST', '/api/strategies', { content: quietStrategy('Previous quiet') });
    const created = await user.must(201, 'POST', '/api/bots',
      { name: 'previous release bot', pairs: ['BTC/USDT'], stakeAmount: 10, placement: 'dedicated', strategyVersionId: strategy.strategy.id });
    const id = created.bot.id as string;
    /** Polls the bot's status; its failure or a dead worker ends the wait at once, naming why. */
    const waitStatus = async (wanted: string) => {
      const deadline = Date.now() + 180_000;
      for (;;) {
        if (worker!.exited()) throw new Error(`the previous release's worker exited while its bot was to be ${wanted}${logs()}`);
        const { body } = await user.call('GET', `/api/bots/${id}`);
        if (body?.bot?.status === wanted) return;
        if (body?.bot?.status === 'failed') throw new Error(`the previous release's bot failed: ${body.bot.lastError}${logs()}`);
        if (Date.now() > deadline) throw new Error(`the previous release's bot is ${body?.bot?.status}, not ${wanted}, after 180 s${logs()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await waitStatus('running');
    const listed = await user.must(200, 'GET', '/api/bots');
    expect(listed.bots.map((b: { id: string }) => b.id)).toContain(id);
    await user.must(200, 'POST', `/api/bots/${id}/stop`, {});
    await waitStatus('stopped');

    // This release's API (what a roll forward serves) reads the user, bot, account and strategy the previous one wrote.
    const agent = request.agent(platform!.app);
    const signin = await agent.post('/api/auth/signin').set('Origin', ORIGIN).send({ email, password: PASSWORD });
    expect(signin.status, JSON.stringify(signin.body)).toBe(200);
    const bots = await agent.get('/api/bots');
    expect(bots.status, JSON.stringify(bots.body)).toBe(200);
    expect(bots.body.bots.find((b: { id: string }) => b.id === id)).toMatchObject({ name: 'previous release bot', status: 'stopped', strategyVersionId: strategy.strategy.id });
    expect((await agent.get(`/api/bots/${id}`)).status).toBe(200);
    const accountRead = await agent.get(`/api/exchange-accounts/${account.account.id}`);
    expect(accountRead.status, JSON.stringify(accountRead.body)).toBe(200);
    expect(accountRead.body.account).toMatchObject({ label: 'Previous release', exchangeId: 'paper' });
    const strategyRead = await agent.get(`/api/strategies/${strategy.strategy.id}`);
    expect(strategyRead.status, JSON.stringify(strategyRead.body)).toBe(200);
    expect(strategyRead.body.strategy.content).toEqual(quietStrategy('Previous quiet'));
    for (const route of ['/api/fleet', '/api/portfolio', '/api/exchange-accounts', '/api/strategies']) {
      const res = await agent.get(route);
      expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBe(200);
    }
    expectNoErrorsLogged();
  }, 300_000);
});
