// Tenant isolation on the real dockerd: a hostile FreqTrade strategy, uploaded through the API, tries every connection a
// tenant must not have when its bot starts (PostgreSQL, Temporal, the API, web, metrics, other bots' ports and sockets,
// the Docker socket, private ranges, the metadata address) and squats another user's bot's API port; none of it works,
// the bot still trades on the paper exchange, and the other user's bot stops and starts without its credentials ever
// reaching the hostile code.
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTarFile } from '../activities/tar.js';
import { botEndpoint } from '../domain/bot-channel.js';
import { findBotWithSecret } from '../db/bots.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { botClientOf, ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { breaches, forbiddenTargets, listenLikeProduction, type Listening, type ProbeReport, type Victim } from './tenant-targets.js';

const docker = new Docker();
const HOSTILE = readFileSync(new URL('./fixtures/hostile_strategy.py', import.meta.url), 'utf8');
let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let listening: Listening;
let victimUser: Awaited<ReturnType<typeof signedUpAgent>>;
let attacker: Awaited<ReturnType<typeof signedUpAgent>>;
let victim: Victim;
let hostileId: string;

const botOf = async (agent: typeof attacker, id: string) => (await agent.agent.get(`/api/bots/${id}`)).body.bot;
const untilStatus = (agent: typeof attacker, id: string, status: string, ms: number) =>
  waitFor(`bot ${status}`, async () => {
    const b = await botOf(agent, id);
    if (b.status === 'failed') throw new Error(`bot failed: ${b.lastError}`);
    return b.status === status ? b : null;
  }, ms);

async function victimOf(id: string): Promise<Victim> {
  const row = (await findBotWithSecret(platform.db, id))!;
  const endpoint = botEndpoint(row, { socketDir: platform.config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' });
  return { id, apiPort: row.apiPort, socketPath: endpoint.kind === 'socket' ? endpoint.socketPath : `${platform.config.BOT_SOCKET_DIR}/none` };
}

async function hostileReport(): Promise<ProbeReport | null> {
  const [c] = await docker.listContainers({ filters: { label: [`tradefleet.bot=${hostileId}`] } });
  if (!c) return null;
  const tar = await docker.getContainer(c.Id).getArchive({ path: '/freqtrade/user_data/hostile-report.json' }).catch(() => null);
  if (!tar) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  const content = readTarFile(Buffer.concat(chunks));
  return content ? (JSON.parse(content.toString('utf8')) as ProbeReport) : null;
}

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'tenant-isolation' });
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url } });
  listening = await listenLikeProduction(platform);
  victimUser = await signedUpAgent(platform.app);
  attacker = await signedUpAgent(platform.app);
}, 120_000);

afterAll(async () => {
  for (const [agent, id] of [[attacker, hostileId], [victimUser, victim?.id]] as const) {
    if (id) await agent.agent.delete(`/api/bots/${id}`).set('Origin', ORIGIN);
  }
  if (hostileId) await waitFor('bots deleted', async () => (await docker.listContainers({ all: true, filters: { label: [`tradefleet.user=${attacker.userId}`] } })).length === 0, 60_000).catch(() => undefined);
  await listening?.close();
  await platform?.stop();
  await exchange?.close();
});

describe('a hostile FreqTrade strategy', { shuffle: false }, () => {
  it("starts next to another user's running bot", async () => {
    const created = await victimUser.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Victim', pairs: ['ETH/USDT'], stakeAmount: 50 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await untilStatus(victimUser, created.body.bot.id, 'running', 90_000);
    victim = await victimOf(created.body.bot.id);

    const targets = forbiddenTargets(platform, listening, exchange.url, [victim]);
    const uploaded = await attacker.agent.post('/api/strategies').set('Origin', ORIGIN)
      .send({ engine: 'freqtrade', content: HOSTILE.replace('__TARGETS__', JSON.stringify(targets)), note: 'hostile' });
    expect(uploaded.status).toBe(201);
    const bot = await attacker.agent.post('/api/bots').set('Origin', ORIGIN)
      .send({ name: 'Hostile', pairs: ['BTC/USDT'], stakeAmount: 100, engine: 'freqtrade', strategyVersionId: uploaded.body.strategy.id });
    expect(bot.status).toBe(201);
    hostileId = bot.body.bot.id;
    await untilStatus(attacker, hostileId, 'running', 200_000);
  }, 300_000);

  it('reaches nothing but its exchange, through the egress proxy', async () => {
    const report = await waitFor('the probe report', async () => ((await hostileReport())?.done ? hostileReport() : null), 60_000);
    expect(breaches(report!)).toEqual([]);
    // Controls: the probes do work; the exchange answers through the proxy, and nothing else does.
    expect(report!.proxy['CONNECT exchange_control']).toMatch(/ 200 /);
    expect(report!.proxy['GET exchange_control']).toMatch(/ 200 /);
    expect(report!.proxy['GET api']).toMatch(/ 403 /);
    expect(report!.proxy['CONNECT postgres']).toMatch(/ 403 /);
    expect(Object.keys(report!.connect)).toEqual(expect.arrayContaining(['postgres', 'temporal_7233', 'api', 'web', 'metrics', 'metadata', `victim_api_${victim.id}`]));
    // Binding another bot's port works only on the container's own loopback, which nobody else uses.
    expect(report!.bind[String(victim.apiPort)]).toBe('bound');
  }, 90_000);

  it('still trades on the paper exchange', async () => {
    const entered = await attacker.agent.post(`/api/bots/${hostileId}/forceenter`).set('Origin', ORIGIN).send({ pair: 'BTC/USDT' });
    expect(entered.status).toBe(200);
    const client = botClientOf(platform, (await findBotWithSecret(platform.db, hostileId))!);
    const open = await waitFor('an open trade', async () => (await client.get<Array<{ pair: string; open_rate: number }>>('status'))[0], 60_000);
    expect(open.pair).toBe('BTC/USDT');
    expect(open.open_rate).toBeGreaterThan(0);
  }, 90_000);

  it("never gets the other user's credentials when that bot stops and starts", async () => {
    expect((await victimUser.agent.post(`/api/bots/${victim.id}/stop`).set('Origin', ORIGIN)).status).toBe(200);
    await untilStatus(victimUser, victim.id, 'stopped', 60_000);
    expect((await victimUser.agent.post(`/api/bots/${victim.id}/start`).set('Origin', ORIGIN)).status).toBe(200);
    await untilStatus(victimUser, victim.id, 'running', 90_000);
    const client = botClientOf(platform, (await findBotWithSecret(platform.db, victim.id))!);
    expect((await client.showConfig()).bot_name).toBe('Victim');
    const report = (await hostileReport())!;
    expect(report.received).toEqual([]);
  }, 200_000);
});
