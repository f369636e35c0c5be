// Rows in every table, written by this release's code: through its API and worker where a user's action writes them
// (sign-up, token, strategy, exchange account with its wallet sync, a bot provisioned and stopped, guards, risk guard,
// notification channels), and through its own db/ functions for what the platform writes on its own (trade ledger,
// prices, portfolio snapshots, pools, guard events, notifications, OIDC, the legacy migration's bookkeeping).
// test/previous-release.test.ts hands them to the previous release's API, as a rollback does.
import { randomBytes, randomUUID } from 'node:crypto';
import { upsertBotTrades } from '../db/bot-trades.js';
import { withClient } from '../db/app-role.js';
import { recordGuardEvent } from '../db/guards.js';
import { insertIdentity, insertLoginAttempt } from '../db/identities.js';
import { quarantine, recordRange } from '../db/legacy-readback.js';
import { writeTargetRows } from '../db/legacy-targets.js';
import { upsertPrices } from '../db/market-prices.js';
import { insertMigrationRun, planCollections, updateMigrationRun } from '../db/migration-runs.js';
import { insertNotification } from '../db/notifications.js';
import { registerDockerHost, savePoolState } from '../db/pools.js';
import { valueUserPortfolio } from '../db/portfolio.js';
import { makeOperator } from '../db/users.js';
import { defaultPoolSettings } from '../domain/pool.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { ORIGIN, signedUpAgent, waitFor, type TestPlatform } from './platform.js';

/** A builtin strategy that never enters: the bots of this test only have to run, not trade. */
export const quietStrategy = (name: string) => ({
  schemaVersion: 1, name, timeframe: '1m', startupCandles: 1, indicators: [],
  entry: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  exit: { left: { price: 'close' }, op: '<', right: { value: 0 } },
  minimalRoi: { '0': 0.02 }, stoploss: -0.5, trailingStop: false,
});

export const PASSWORD = 'correct horse battery';

export interface CurrentRows {
  email: string;
  userId: string;
  /** A read-scoped API token's secret. */
  token: string;
  /** One id per API resource with a `GET /api/<resource>/{id}` route. */
  ids: Record<string, string>;
}

type Agent = Awaited<ReturnType<typeof signedUpAgent>>['agent'];

async function expectStatus(what: string, res: PromiseLike<{ status: number; body: any }>, status: number): Promise<any> {
  const { status: got, body } = await res;
  if (got !== status) throw new Error(`the current release: ${what} answered ${got}, not ${status}: ${JSON.stringify(body)}`);
  return body;
}

async function provisionAndStopBot(agent: Agent, strategyVersionId: string): Promise<string> {
  const created = await expectStatus('POST /api/bots', agent.post('/api/bots').set('Origin', ORIGIN)
    .send({ name: 'current release bot', pairs: ['BTC/USDT'], stakeAmount: 10, placement: 'dedicated', strategyVersionId }), 201);
  const id = created.bot.id as string;
  const statusIs = (wanted: string) => async () => {
    const { body } = await agent.get(`/api/bots/${id}`);
    if (body?.bot?.status === 'failed') throw new Error(`the current release's bot failed: ${body.bot.lastError}`);
    return body?.bot?.status === wanted;
  };
  await waitFor('the current release\'s bot runs', statusIs('running'), 180_000);
  await expectStatus('POST /api/bots/:id/stop', agent.post(`/api/bots/${id}/stop`).set('Origin', ORIGIN).send({}), 200);
  await waitFor('the current release\'s bot stops', statusIs('stopped'), 120_000);
  return id;
}

/** `deploymentQueue`: the task queue of the deployment the previous release runs as (a pool belongs to its deployment's queue, which both releases share). */
export async function writeEveryTable(platform: TestPlatform, exchange: PaperExchangeHandle, deploymentQueue: string): Promise<CurrentRows> {
  const { db } = platform;
  const user = await signedUpAgent(platform.app);
  const { agent, userId } = user;
  await makeOperator(db, user.email);
  const post = (route: string, body: unknown) => agent.post(route).set('Origin', ORIGIN).send(body as object);

  const token = await expectStatus('POST /api/tokens', post('/api/tokens', { name: 'compat', scopes: ['read'] }), 201);
  const strategy = await expectStatus('POST /api/strategies', post('/api/strategies', { content: quietStrategy('Current quiet') }), 201);
  const paper = exchange.createAccount({ balances: { USDT: '5000', BTC: '0.5' } });
  const account = await expectStatus('POST /api/exchange-accounts', post('/api/exchange-accounts',
    { exchangeId: 'paper', label: 'Current release', apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: 300 }), 201);
  const accountId = account.account.id as string;
  await waitFor('the account\'s first wallet snapshot', async () => (await agent.get(`/api/exchange-accounts/${accountId}`)).body?.snapshot, 60_000);
  const botId = await provisionAndStopBot(agent, strategy.strategy.id as string);
  const guards = await expectStatus('POST /api/guards/batch', post('/api/guards/batch',
    { guards: [{ target: { kind: 'wallet', exchangeAccountId: accountId, symbol: 'BTC/USDT', amount: 0.1 }, trail: { trailPct: 5 } }] }), 201);
  const guardId = guards.guards[0].id as string;
  const risk = await expectStatus('POST /api/risk-guards', post('/api/risk-guards', { scope: { kind: 'portfolio' }, maxDrawdownPct: 50 }), 201);
  await expectStatus('PATCH /api/notifications/channels', agent.patch('/api/notifications/channels').set('Origin', ORIGIN)
    .send({ webhookUrl: 'https://hooks.example.com/compat', webhookSecret: `whsec-${randomBytes(12).toString('hex')}`, telegramChatId: null }), 200);

  // What the platform writes on its own, by the same functions its worker and server call.
  const now = new Date().toISOString();
  await upsertBotTrades(db, { id: botId, userId }, [{
    trade: {
      tradeId: 1, pair: 'BTC/USDT', isOpen: false, amount: 0.0002, stakeAmount: 10, openRate: 50_000, closeRate: 51_000,
      openDate: now, closeDate: now, profitAbs: 0.2, profitRatio: 0.02, feeOpen: 0.001, feeClose: 0.001, exitReason: 'roi',
    },
    raw: { trade_id: 1, pair: 'BTC/USDT', is_open: false },
  }]);
  await upsertPrices(db, 'paper', [{ symbol: 'BTC/USDT', last: 50_000, bid: 49_990, ask: 50_010, at: now }]);
  await valueUserPortfolio(db, userId); // records the minute's portfolio snapshot, as the snapshots schedule does
  await recordGuardEvent(db, guardId, { step: 1, kind: 'edited', price: null, peak: null, amount: null, orderId: null, detail: '{"trailPct":5}' });
  await insertNotification(db, { userId, kind: 'bot_failed', severity: 'warning', title: 'current release bot failed', body: 'compat', botId, sourceKey: `compat:${randomUUID()}` });
  const host = `compat-${randomUUID().slice(0, 8)}`;
  await registerDockerHost(db, host, '127.0.0.1');
  const poolId = host;
  await savePoolState(db, deploymentQueue, {
    poolId, settings: defaultPoolSettings(host), seq: 1,
    containers: [{ key: `${poolId}-c1`, host, status: 'ready', bots: {}, liveMb: null, removableCycles: 0 }],
  });
  await insertLoginAttempt(db, { stateHash: randomUUID(), nonceHash: randomUUID(), verifierHash: randomUUID(), linkUserId: userId });
  await insertIdentity(db, { id: randomUUID(), userId, issuer: 'https://issuer.example.com', subject: randomUUID(), email: user.email });
  const runId = randomUUID();
  await insertMigrationRun(db, { id: runId, workflowId: `migration:${runId}`, mappingVersion: 1, startedBy: userId });
  await planCollections(db, runId, [{ collection: 'botEvents', sourceCount: 2 }]);
  await db.transaction(async (tx) => {
    await writeTargetRows(tx, 'botEvents', [{ legacyId: `compat-${runId}`, botId, at: now, kind: 'started', message: 'legacy event' }], {
      sealAccountCredentials: () => { throw new Error('not used for bot events'); },
      sha256: () => { throw new Error('not used for bot events'); },
      newBotCredentials: () => { throw new Error('not used for bot events'); },
    });
    await recordRange(tx, runId, 'botEvents', { seq: 1, firstId: 'a', lastId: 'b', sourceCount: 2, sourceChecksum: 'c0ffee' }, { copied: 1, quarantined: 1, advance: true });
    await quarantine(tx, runId, 'botEvents', [{ legacyId: 'b', reason: 'its bot is gone', document: { _id: 'b' } }]);
  });
  await updateMigrationRun(db, runId, { status: 'aborted', error: 'a compatibility test run' });

  return {
    email: user.email, userId, token: token.token.secret as string,
    ids: {
      bots: botId, strategies: strategy.strategy.id as string, 'exchange-accounts': accountId, guards: guardId,
      'risk-guards': risk.riskGuard.id as string, pools: poolId, migrations: runId,
    },
  };
}

/** Rows per table of the public schema (migrations' own bookkeeping aside), read as the database's owner. */
export async function tableCounts(ownerUrl: string): Promise<Record<string, number>> {
  return withClient(ownerUrl, async (c) => {
    const tables = (await c.query<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'pgmigrations' order by 1`,
    )).rows.map((r) => r.name);
    const counts: Record<string, number> = {};
    for (const name of tables) counts[name] = (await c.query<{ n: number }>(`select count(*)::int as n from "${name.replaceAll('"', '""')}"`)).rows[0]!.n;
    return counts;
  });
}
