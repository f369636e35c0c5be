// Tenant isolation inside a FreqTrade pool container, through the whole platform: a hostile FreqTrade strategy uploaded
// through the API runs as a pooled bot in the same pool container as another user's pooled bot, and tries everything a
// tenant must not have: the platform's services, the sibling's API socket, port, egress proxy, config (exchange keys),
// strategy and trade database, the pool's own files, listing the pool's folders and processes, and SIGKILL to every
// process it can address. None of it works, the sibling keeps running with the process it had, and the hostile bot
// still trades on its exchange. (tenant-isolation.test.ts proves the same for a dedicated FreqTrade container,
// builtin-isolation.test.ts for builtin containers, freqtrade-pool-host.test.ts for the pool container on its own.)
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreqtradePoolHost } from '../activities/freqtrade-pool-host.js';
import { findBotWithSecret } from '../db/bots.js';
import { freqtradePoolId } from '../domain/freqtrade-pool.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { removePoolOf } from './fleet-check.js';
import { botClientOf, ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { breaches, forbiddenTargets, listenLikeProduction, type Listening, type ProbeReport } from './tenant-targets.js';

const docker = new Docker();
const host = createFreqtradePoolHost(docker);
const HOSTILE = readFileSync(new URL('./fixtures/hostile_strategy.py', import.meta.url), 'utf8');
let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let listening: Listening;
let victimUser: Awaited<ReturnType<typeof signedUpAgent>>;
let attacker: Awaited<ReturnType<typeof signedUpAgent>>;
let victimId: string;
let hostileId: string;
let key: string;
let victimPid: number;

const botOf = async (agent: typeof attacker, id: string) => (await agent.agent.get(`/api/bots/${id}`)).body.bot;
const untilRunning = (agent: typeof attacker, id: string) =>
  waitFor('bot running', async () => {
    const b = await botOf(agent, id);
    if (b.status === 'failed') throw new Error(`bot failed: ${b.lastError}`);
    return b.status === 'running' ? b : null;
  }, 420_000);

async function hostileReport(): Promise<ProbeReport | null> {
  const content = await host.readBotFile(key, hostileId, 'user_data/hostile-report.json');
  return content ? (JSON.parse(content.toString('utf8')) as ProbeReport) : null;
}

/** The dedicated container's targets, with the sibling as the pool container sees it, and the pool's own files. */
function pooledTargets(victimApiPort: number) {
  // Paths as they are inside the pool container (the hostile bot runs there, in a sandbox of its own).
  const base = forbiddenTargets(platform, listening, exchange.url, [{ id: victimId, apiPort: victimApiPort, socketPath: `/run/tf/api-${victimId}.sock` }]);
  return {
    ...base,
    unix: { ...base.unix, victim_egress: `/run/tf/e-${victimId}/egress.sock` },
    files: {
      victim_config: `/pool/bots/${victimId}/config.json`,
      victim_strategy: `/pool/bots/${victimId}/strategies/strategy.py`,
      victim_database: `/pool/bots/${victimId}/user_data/trades.sqlite`,
      victim_via_parent_root: `/proc/1/root/pool/bots/${victimId}/config.json`,
      pool_list: '/pool/pool.json',
      pool_status: '/pool/run/status.json',
      own_config_control: '/freqtrade/config.json',
    },
    listdir: { pool: '/pool', sockets: '/run/tf', proc: '/proc' },
    signal_everyone: true,
  };
}

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: `tenant-isolation-pooled-${Date.now()}`, tickMs: 0 });
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url, FREQTRADE_PLACEMENT: 'pool' } });
  listening = await listenLikeProduction(platform);
  victimUser = await signedUpAgent(platform.app);
  attacker = await signedUpAgent(platform.app);
}, 120_000);

afterAll(async () => {
  await listening?.close();
  await platform?.stopWorker();
  await removePoolOf(docker, platform && freqtradePoolId(platform.config.BOT_POOL_ID));
  await platform?.stop();
  await exchange?.close();
}, 120_000);

// An ordered story: the hostile bot probes once, when it starts; the steps read what it found.
describe('a hostile FreqTrade strategy in a pool container', { shuffle: false }, () => {
  it("is placed in the same pool container as another user's running bot", async () => {
    const victim = await victimUser.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Pooled victim', pairs: ['ETH/USDT'], stakeAmount: 50, engine: 'freqtrade' });
    expect(victim.status, JSON.stringify(victim.body)).toBe(201);
    victimId = victim.body.bot.id;
    const running = await untilRunning(victimUser, victimId);
    expect(running.placement).toBe('pool');
    key = running.poolContainerKey;
    // The pool parent writes its status every 3 s: the victim's process as soon as the status shows it.
    victimPid = await waitFor('the victim in the pool status', async () => (await host.status(key))?.bots[victimId]?.pid, 60_000);

    const uploaded = await attacker.agent.post('/api/strategies').set('Origin', ORIGIN)
      .send({ engine: 'freqtrade', content: HOSTILE.replace('__TARGETS__', JSON.stringify(pooledTargets(running.apiPort))), note: 'hostile' });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    const bot = await attacker.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'Pooled hostile', pairs: ['BTC/USDT'], stakeAmount: 100, engine: 'freqtrade', strategyVersionId: uploaded.body.strategy.id });
    expect(bot.status, JSON.stringify(bot.body)).toBe(201);
    hostileId = bot.body.bot.id;
    expect((await untilRunning(attacker, hostileId)).poolContainerKey).toBe(key);
  }, 900_000);

  it('reaches nothing but its exchange: no service, no sibling, no file, folder or process of the pool', async () => {
    const report = (await waitFor('the probe report', async () => ((await hostileReport())?.done ? hostileReport() : null), 120_000))!;
    expect(breaches(report)).toEqual([]);
    // Controls: the probes work, and the bot's own proxy lets it reach its exchange and nothing else.
    expect(report.proxy['CONNECT exchange_control']).toMatch(/ 200 /);
    expect(report.proxy['GET exchange_control']).toMatch(/ 200 /);
    expect(report.proxy['GET api']).toMatch(/ 403 /);
    expect(report.proxy['CONNECT postgres']).toMatch(/ 403 /);
    expect(Object.keys(report.unix)).toEqual(expect.arrayContaining([`victim_socket_${victimId}`, 'victim_egress']));
    const { own_config_control: own, ...others } = report.files!;
    expect(own).toMatch(/^read [1-9]/);
    expect(Object.entries(others).filter(([, r]) => !r.startsWith('failed'))).toEqual([]);
    expect(report.listdir).toEqual({ pool: [], sockets: [], proc: [] });
    // In its own pid namespace it addresses no other process: kill(-1, SIGKILL) finds none.
    expect(report.signals!['kill(-1, SIGKILL)']).toBe('failed: [Errno 3] No such process');
    // Binding the sibling's port works only on its own loopback, which nobody else uses.
    expect(report.bind[String((await botOf(victimUser, victimId)).apiPort)]).toBe('bound');
    // The sibling still runs, with the process it had, and answers its owner through the platform.
    expect((await host.status(key))!.bots[victimId]).toMatchObject({ state: 'running', pid: victimPid, restarts: 0 });
    const victimClient = botClientOf(platform, (await findBotWithSecret(platform.db, victimId))!);
    expect((await victimClient.showConfig()).bot_name).toBe('Pooled victim');
    expect((await botOf(victimUser, victimId)).status).toBe('running');
  }, 180_000);

  it('still trades on the paper exchange, through its own proxy', async () => {
    const entered = await attacker.agent.post(`/api/bots/${hostileId}/forceenter`).set('Origin', ORIGIN).send({ pair: 'BTC/USDT' });
    expect(entered.status, JSON.stringify(entered.body)).toBe(200);
    const client = botClientOf(platform, (await findBotWithSecret(platform.db, hostileId))!);
    const open = await waitFor('an open trade', async () => (await client.get<Array<{ pair: string; open_rate: number }>>('status'))[0], 90_000);
    expect(open.pair).toBe('BTC/USDT');
    expect(open.open_rate).toBeGreaterThan(0);
    // Another user's pooled bot is a 404 to the attacker, through every route.
    expect((await attacker.agent.get(`/api/bots/${victimId}`)).status).toBe(404);
    expect((await attacker.agent.post(`/api/bots/${victimId}/forceenter`).set('Origin', ORIGIN).send({ pair: 'ETH/USDT' })).status).toBe(404);
  }, 120_000);
});
