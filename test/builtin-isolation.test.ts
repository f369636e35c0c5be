// Tenant isolation of the builtin engine's containers on the real dockerd: from inside a running pool container and a
// running dedicated builtin container, a probe run as the container user (uid 1000) tries every connection a tenant
// must not have (PostgreSQL, Temporal, the API, web, metrics, the other bot's port and socket, the Docker socket,
// private ranges, the metadata address) and asks the egress proxy for non-exchange hosts; none of it works, while both
// bots answer the platform over their channels and trade on the paper exchange through the proxy.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botEndpoint, EGRESS_PROXY_PORT } from '../domain/bot-channel.js';
import { findBotWithSecret } from '../db/bots.js';
import { holdStrategy } from './held-bot.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';
import { breaches, forbiddenTargets, listenLikeProduction, type Listening, type ProbeReport, type Targets, type Victim } from './tenant-targets.js';

const docker = new Docker();
let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let listening: Listening;
let user: Awaited<ReturnType<typeof signedUpAgent>>;
const bots: Record<'dedicated' | 'pool', { id: string; container: string; victim: Victim }> = {} as never;

/** The probe, run by `node -e` inside the container: each target gets one attempt with a short deadline. */
const PROBE = String.raw`
const net = require('node:net');
const t = JSON.parse(process.env.TARGETS);
const attempt = (opts) => new Promise((resolve) => {
  const s = net.connect(opts);
  const done = (r) => { s.destroy(); resolve(r); };
  s.setTimeout(1500, () => done('failed: timeout'));
  s.once('connect', () => done('connected'));
  s.once('error', (e) => done('failed: ' + (e.code || e.message)));
});
const viaProxy = (request) => new Promise((resolve) => {
  const s = net.connect('/run/tf/egress.sock');
  let data = '';
  const done = (r) => { s.destroy(); resolve(r); };
  s.setTimeout(3000, () => done('failed: timeout'));
  s.once('connect', () => s.write(request));
  s.on('data', (d) => { data += d; if (data.includes('\r\n')) done(data.split('\r\n')[0]); });
  s.once('error', (e) => done('failed: ' + (e.code || e.message)));
});
(async () => {
  const report = { connect: {}, unix: {}, proxy: {}, bind: {}, received: [] };
  for (const [name, [host, port]] of Object.entries(t.tcp)) report.connect[name] = await attempt({ host, port });
  for (const [name, path] of Object.entries(t.unix)) report.unix[name] = await attempt({ path });
  for (const [name, hp] of Object.entries(t.proxy_connect)) report.proxy['connect_' + name] = await viaProxy('CONNECT ' + hp + ' HTTP/1.1\r\nHost: ' + hp + '\r\n\r\n');
  for (const [name, url] of Object.entries(t.proxy_get)) report.proxy['get_' + name] = await viaProxy('GET ' + url + ' HTTP/1.1\r\nHost: ' + new URL(url).host + '\r\nConnection: close\r\n\r\n');
  report.forwarder = await attempt({ host: '127.0.0.1', port: Number(process.env.PROXY_PORT) });
  process.stdout.write(JSON.stringify(report));
})();
`;

async function probe(containerId: string, targets: Targets): Promise<ProbeReport & { forwarder: string }> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ['/usr/local/bin/node', '-e', PROBE], User: '1000:1000', AttachStdout: true, AttachStderr: true,
    Env: [`TARGETS=${JSON.stringify(targets)}`, `PROXY_PORT=${EGRESS_PROXY_PORT}`],
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  docker.modem.demuxStream(stream, { write: (b: Buffer) => out.push(b) } as never, { write: (b: Buffer) => err.push(b) } as never);
  await new Promise<void>((resolve, reject) => stream.on('end', resolve).on('close', resolve).on('error', reject));
  const text = Buffer.concat(out).toString('utf8');
  if (!text) throw new Error(`the probe printed nothing: ${Buffer.concat(err).toString('utf8').slice(0, 500)}`);
  return JSON.parse(text) as ProbeReport & { forwarder: string };
}

async function createRunning(placement: 'dedicated' | 'pool', strategyVersionId: string) {
  const created = await user.agent.post('/api/bots').set('Origin', ORIGIN)
    .send({ name: `Iso ${placement}`, pairs: ['BTC/USDT'], stakeAmount: 50, placement, strategyVersionId });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id: string = created.body.bot.id;
  await waitFor(`${placement} bot running`, async () => {
    const { bot } = (await user.agent.get(`/api/bots/${id}`)).body;
    if (bot.status === 'failed') throw new Error(`bot failed: ${bot.lastError}`);
    return bot.status === 'running';
  }, 120_000);
  const row = (await findBotWithSecret(platform.db, id))!;
  const label = placement === 'pool' ? `tradefleet.pool-container=${row.poolContainerKey}` : `tradefleet.bot=${id}`;
  const [c] = await docker.listContainers({ filters: { label: [label] } });
  const endpoint = botEndpoint(row, { socketDir: platform.config.BOT_SOCKET_DIR, fallbackHost: '127.0.0.1' });
  const socketPath = endpoint.kind === 'socket' ? endpoint.socketPath : `${platform.config.BOT_SOCKET_DIR}/p-${row.poolContainerKey}/api-${id}.sock`;
  return { id, container: c!.Id, victim: { id, apiPort: row.apiPort, socketPath } };
}

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: 'builtin-isolation' });
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker', PAPER_EXCHANGE_URL: exchange.url } });
  listening = await listenLikeProduction(platform);
  user = await signedUpAgent(platform.app);
  // A strategy that enters whenever it can: the trade below must not depend on where the seeded prices wander.
  const strategy = await user.agent.post('/api/strategies').set('Origin', ORIGIN).send({ content: holdStrategy });
  expect(strategy.status, JSON.stringify(strategy.body)).toBe(201);
  const versionId: string = strategy.body.strategy.id;
  [bots.dedicated, bots.pool] = await Promise.all([createRunning('dedicated', versionId), createRunning('pool', versionId)]);
}, 240_000);

afterAll(async () => {
  for (const b of Object.values(bots)) await user.agent.delete(`/api/bots/${b.id}`).set('Origin', ORIGIN);
  await waitFor('containers gone', async () => (await docker.listContainers({ all: true, filters: { label: [`tradefleet.user=${user.userId}`] } })).length === 0, 60_000).catch(() => undefined);
  const pools = await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${platform.config.BOT_POOL_ID}`] } });
  for (const c of pools) await docker.getContainer(c.Id).remove({ force: true, v: true });
  await listening?.close();
  await platform?.stop();
  await exchange?.close();
});

describe('builtin containers', () => {
  for (const placement of ['dedicated', 'pool'] as const) {
    it(`a ${placement} container has no network: nothing but its exchange answers its user`, async () => {
      const other = bots[placement === 'pool' ? 'dedicated' : 'pool'];
      const info = await docker.getContainer(bots[placement].container).inspect();
      expect(info.HostConfig.NetworkMode).toBe('none');
      const report = await probe(bots[placement].container, forbiddenTargets(platform, listening, exchange.url, [other.victim]));
      expect(breaches(report)).toEqual([]);
      // The controls: the proxy lets the exchange through, and the bot host relays ccxt's proxy port to it.
      expect(report.proxy['get_exchange_control']).toMatch(/ 200 /);
      expect(report.proxy['connect_exchange_control']).toMatch(/ 200 /);
      expect(report.forwarder).toBe('connected');
    });

    it(`a ${placement} bot answers the platform over its channel and trades through the egress proxy`, async () => {
      const { id } = bots[placement];
      // The holding strategy enters at once; its prices and its order's fill came through the egress proxy (the
      // container has nothing else), and the platform read the trade over the bot's channel.
      let last: unknown;
      // Opened, or opened and closed already (its strategy exits too): counted either way.
      const trading = await waitFor('a trade', async () => {
        const { body } = await user.agent.get(`/api/bots/${id}/trading`);
        last = body;
        return body.trading?.profit?.tradeCount >= 1 ? body.trading : null;
      }, 40_000).catch((error: Error) => {
        throw new Error(`${error.message}; last answer: ${JSON.stringify(last).slice(0, 800)}`);
      });
      expect(trading.balance.currency).toBe('USDT');
    }, 60_000);
  }
});
