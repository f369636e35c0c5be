// The FreqTrade pool host on the real dockerd: real FreqTrade bots forked from one parent into one container without a
// network, each in a sandbox of its own, trading on the paper exchange through its own egress proxy. A hostile bot
// reaches nothing but its exchange, reads no sibling's files, sees and signals no other process; a bot over its memory
// budget, a hung bot and a SIGKILLed bot are each restarted alone (the last with its open trade), and the others keep
// their processes.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_FREQTRADE_STRATEGIES } from '../domain/bundled-freqtrade-strategies.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { startPoolHarness, type HarnessBot, type PoolHarness } from './freqtrade-pool-harness.js';
import { waitFor } from './platform.js';
import { breaches, type ProbeReport, type Targets } from './tenant-targets.js';

const HOSTILE = readFileSync(new URL('./fixtures/hostile_strategy.py', import.meta.url), 'utf8');
const MISBEHAVING = readFileSync(new URL('./fixtures/misbehaving_strategy.py', import.meta.url), 'utf8');
const dip = BUNDLED_FREQTRADE_STRATEGIES[0]!;
const tag = Math.random().toString(36).slice(2, 8);
const normal: HarnessBot[] = [0, 1, 2].map((i) => ({
  botId: `n${i}-${tag}`, name: `pooled ${i}`, apiPort: 20100 + i, pairs: ['BTC/USDT', 'ETH/USDT'], strategyClass: dip.className, strategy: dip.source,
}));
const victim = normal[0]!;
const hostileId = `hostile-${tag}`;
const hogId = `hog-${tag}`;
const hangId = `hang-${tag}`;
const spawnerId = `spawner-${tag}`;

let exchange: PaperExchangeHandle;
let pool: PoolHarness;
let service: http.Server;
let pidsBefore: Record<string, number>;

const misbehaving = (botId: string, mode: string, extra: Partial<HarnessBot> = {}): HarnessBot => ({
  botId, name: botId, apiPort: 20200, pairs: ['BTC/USDT'], strategyClass: 'TfMisbehaving', strategy: MISBEHAVING.replace('__MODE__', mode), ...extra,
});

function hostileTargets(servicePort: number): Targets & Record<string, unknown> {
  const paper = new URL(exchange.url);
  return {
    tcp: {
      host_service: ['127.0.0.1', servicePort],
      paper_exchange_direct: ['127.0.0.1', Number(paper.port)],
      victim_api: ['127.0.0.1', victim.apiPort],
      docker_bridge_gateway: ['172.17.0.1', 2375],
      private_10: ['10.255.255.1', 80],
      metadata: ['169.254.169.254', 80],
    },
    unix: {
      victim_socket: `/run/tf/api-${victim.botId}.sock`,
      victim_egress: `/run/tf/e-${victim.botId}/egress.sock`,
      docker_socket: '/var/run/docker.sock',
    },
    proxy_connect: { host_service: `127.0.0.1:${servicePort}`, metadata: '169.254.169.254:80', exchange_control: `127.0.0.1:${paper.port}` },
    proxy_get: { host_service: `http://127.0.0.1:${servicePort}/`, exchange_control: `${exchange.url}/api/v3/ping` },
    squat_ports: [victim.apiPort],
    files: {
      victim_config: `/pool/bots/${victim.botId}/config.json`,
      victim_strategy: `/pool/bots/${victim.botId}/strategies/strategy.py`,
      victim_database: `/pool/bots/${victim.botId}/user_data/trades.sqlite`,
      victim_via_parent_root: `/proc/1/root/pool/bots/${victim.botId}/config.json`,
      pool_list: '/pool/pool.json',
      pool_status: '/pool/run/status.json',
      own_config_control: '/freqtrade/config.json',
    },
    listdir: { pool: '/pool', sockets: '/run/tf', proc: '/proc', tmp: '/tmp' },
    plant_links: { '/freqtrade/user_data/logs': `/pool/bots/${victim.botId}/user_data/logs` },
    signal_everyone: true,
  };
}

async function hostileReport(): Promise<ProbeReport | null> {
  const content = await pool.host.readBotFile(pool.key, hostileId, 'user_data/hostile-report.json');
  return content ? (JSON.parse(content.toString('utf8')) as ProbeReport) : null;
}

const botStatus = async (id: string) => (await pool.status())?.bots[id];
const pidsOf = async (ids: string[]) => {
  const status = (await pool.status())!;
  return Object.fromEntries(ids.map((id) => [id, status.bots[id]!.pid!]));
};

beforeAll(async () => {
  exchange = await startPaperExchange({ port: 0, seed: `ftpool-${tag}`, tickMs: 0 });
  service = http.createServer((_req, res) => res.end('platform service'));
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  pool = await startPoolHarness({ paperUrl: exchange.url, label: 'freqtrade-pool-host' });
  const port = (service.address() as { port: number }).port;
  await pool.add([
    ...normal,
    { botId: hostileId, name: 'hostile', apiPort: 20300, pairs: ['BTC/USDT'], strategyClass: 'TfHostile', strategy: HOSTILE.replace('__TARGETS__', JSON.stringify(hostileTargets(port))) },
    misbehaving(hogId, 'memory', { memoryMb: 300 }),
    misbehaving(hangId, 'hang', { hungAfterS: 20 }),
    misbehaving(spawnerId, 'tasks'),
  ]);
}, 120_000);

afterAll(async () => {
  await pool?.close();
  await new Promise((r) => service?.close(r));
  await exchange?.close();
});

describe('a FreqTrade pool container', { shuffle: false }, () => {
  it('runs every bot, each answering only through its own socket with its own credentials', async () => {
    const ids = [...normal.map((b) => b.botId), hostileId];
    await waitFor('every bot running', async () => {
      const status = await pool.status();
      return status && ids.every((id) => status.bots[id]?.state === 'running');
    }, 300_000);
    for (const bot of normal) expect((await pool.client(bot.botId).showConfig()).bot_name).toBe(bot.name);
    pidsBefore = await pidsOf(normal.map((b) => b.botId));
  }, 320_000);

  it('keeps a hostile bot to its exchange, its own files and its own process', async () => {
    const report = (await waitFor('the probe report', async () => ((await hostileReport())?.done ? hostileReport() : null), 120_000))!;
    expect(breaches(report)).toEqual([]);
    expect(report.proxy['CONNECT exchange_control']).toMatch(/ 200 /);
    expect(report.proxy['GET exchange_control']).toMatch(/ 200 /);
    expect(report.proxy['GET host_service']).toMatch(/ 403 /);
    // Files: only its own config (the control) can be read.
    const { own_config_control: own, ...others } = report.files!;
    expect(own).toMatch(/^read [1-9]/);
    expect(Object.entries(others).filter(([, r]) => !r.startsWith('failed'))).toEqual([]);
    // Nothing of the pool is listed: no sibling's directory or socket, no process.
    expect(report.listdir).toEqual({ pool: [], sockets: [], proc: [], tmp: expect.not.arrayContaining([expect.stringContaining(victim.botId)]) });
    // In its own pid namespace the only ids it can address are its own (its threads): kill(-1, SIGKILL), which spares
    // only the caller, finds no process at all, and every sibling below still runs with the process it had.
    expect(report.signals!['kill(-1, SIGKILL)']).toBe('failed: [Errno 3] No such process');
    // Its own loopback: binding the victim's port there catches nothing the victim's owner sends.
    expect(report.bind[String(victim.apiPort)]).toBe('bound');
    expect((await pool.client(victim.botId).showConfig()).bot_name).toBe(victim.name);
    expect((await hostileReport())!.received).toEqual([]);
    // Its log directory, made a link to the victim's: the platform's reader of a bot's log (which looks at the bots'
    // directories from outside their views) follows no link, so it reads the victim's log for the victim only.
    expect(report.links).toEqual({ '/freqtrade/user_data/logs': 'planted' });
    expect(await pool.host.botLogTail(pool.key, victim.botId)).toContain('tf-pool: sandbox ready');
    expect((await pool.host.botLogTail(pool.key, hostileId)).trim()).toBe('');
    expect(await pidsOf(normal.map((b) => b.botId))).toEqual(pidsBefore);
    for (const id of [...normal.map((b) => b.botId), hostileId]) expect((await botStatus(id))!.restarts, id).toBe(0);
  }, 150_000);

  it('restarts a bot over its memory budget, alone', async () => {
    const hog = await waitFor('the hog restarted for memory', async () => {
      const s = await botStatus(hogId);
      return s?.lastExit?.reason === 'memory' ? s : null;
    }, 240_000);
    expect(hog.restarts).toBeGreaterThanOrEqual(1);
    expect(await pidsOf(normal.map((b) => b.botId))).toEqual(pidsBefore);
  }, 250_000);

  it('restarts a hung bot, alone', async () => {
    const hung = await waitFor('the hung bot restarted', async () => {
      const s = await botStatus(hangId);
      return s?.lastExit?.reason === 'hung' ? s : null;
    }, 240_000);
    expect(hung.restarts).toBeGreaterThanOrEqual(1);
    expect(await pidsOf(normal.map((b) => b.botId))).toEqual(pidsBefore);
  }, 250_000);

  it('stops a bot that starts threads without end at its own task limit', async () => {
    const spawner = await waitFor('the spawner at its limit', async () => {
      const s = await botStatus(spawnerId);
      return s?.state === 'running' && (s.threads ?? 0) >= 250 ? s : null;
    }, 240_000);
    expect(spawner.threads).toBeLessThanOrEqual(256);
    for (const bot of normal) expect((await pool.client(bot.botId).showConfig()).bot_name).toBe(bot.name);
    expect(await pidsOf(normal.map((b) => b.botId))).toEqual(pidsBefore);
  }, 250_000);

  it('restarts a SIGKILLed bot alone, with its open trade', async () => {
    const target = normal[1]!;
    const client = pool.client(target.botId);
    await client.post('forceenter', { pair: 'ETH/USDT' });
    const open = await waitFor('an open trade', async () => (await client.get<Array<{ trade_id: number; open_rate: number }>>('status'))[0], 90_000);
    const before = (await botStatus(target.botId))!;
    const container = pool.docker.getContainer((await pool.host.containerId(pool.key))!);
    const exec = await container.exec({ Cmd: ['sh', '-c', `kill -9 ${before.pid}`], User: '1000:1000', AttachStdout: true, AttachStderr: true });
    await exec.start({ hijack: true, stdin: false });
    const after = await waitFor('the killed bot running again', async () => {
      const s = await botStatus(target.botId);
      return s && s.restarts === before.restarts + 1 && s.state === 'running' ? s : null;
    }, 240_000);
    expect(after.lastExit!.reason).toBe('signal 9');
    const again = await waitFor('its trade after the restart', async () => (await client.get<Array<{ trade_id: number; open_rate: number }>>('status'))[0], 60_000);
    expect({ id: again.trade_id, rate: again.open_rate }).toEqual({ id: open.trade_id, rate: open.open_rate });
    const others = normal.filter((b) => b !== target).map((b) => b.botId);
    expect(await pidsOf(others)).toEqual(Object.fromEntries(others.map((id) => [id, pidsBefore[id]])));
  }, 400_000);

  it('costs each bot its private memory only (figures)', async () => {
    const status = (await pool.status())!;
    const mib = (kb: number) => (kb / 1024).toFixed(1);
    const rows = normal.map((b) => status.bots[b.botId]!).map((s) => ({ uss: s.memory!.uss, pss: s.memory!.pss, rss: s.memory!.rss }));
    const total = await pool.dockerStatsMiB();
    console.log(`pool parent: rss ${mib(status.parent.rss ?? 0)} MiB, pss ${mib(status.parent.pss ?? 0)} MiB; container (docker stats) ${total.toFixed(0)} MiB for ${Object.keys(status.bots).length} bots`);
    for (const [i, r] of rows.entries()) console.log(`bot ${i}: uss ${mib(r.uss)} MiB, pss ${mib(r.pss)} MiB, rss ${mib(r.rss)} MiB`);
    for (const r of rows) expect(r.uss).toBeLessThan(r.rss / 2); // most of each bot is shared with the parent
  }, 60_000);

  it("marks what each bot inherits of its parent's memory mergeable for the host's KSM, and nothing the bot maps itself", async () => {
    const status = (await pool.status())!;
    const pid = status.bots[victim.botId]!.pid!;
    // Each mapping's first line (its range and name) and its VmFlags line (`mg`: madvise(MADV_MERGEABLE)).
    const areas: Array<{ range: string; name: string; kb: number; mergeable: boolean }> = [];
    for (const line of (await pool.shell(`cat /proc/${pid}/smaps`)).split('\n')) {
      const head = /^(([0-9a-f]+)-([0-9a-f]+)) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (head) areas.push({ range: head[1]!, name: head[4]!, kb: (parseInt(head[3]!, 16) - parseInt(head[2]!, 16)) / 1024, mergeable: false });
      else if (line.startsWith('VmFlags:')) areas.at(-1)!.mergeable = line.split(/\s+/).includes('mg');
    }
    const parentRanges = new Set((await pool.shell('cat /proc/1/maps')).split('\n').map((l) => l.split(' ')[0]));
    expect(areas.find((a) => a.name === '[heap]')?.mergeable).toBe(true);
    const marked = areas.filter((a) => a.mergeable).reduce((sum, a) => sum + a.kb, 0);
    expect(marked / 1024).toBeGreaterThan(64); // the parent's heap and allocator arenas: hundreds of MiB here
    // What the bot mapped itself after the fork (thread stacks, new arenas, its own libraries) is not marked.
    const own = areas.filter((a) => !parentRanges.has(a.range) && a.name !== '[heap]');
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((a) => a.mergeable).map((a) => `${a.range} ${a.name}`)).toEqual([]);
    const ksm = (await pool.shell(`cat /proc/${pid}/ksm_merging_pages /sys/kernel/mm/ksm/run 2>/dev/null`)).trim().split(/\s+/);
    console.log(`bot ${victim.botId}: ${(marked / 1024).toFixed(0)} MiB of mappings mergeable, ${own.length} mappings of its own (none mergeable); ` +
      `KSM ${ksm[1] === '1' ? 'running' : 'off'}, ${(Number(ksm[0] ?? 0) * 4 / 1024).toFixed(1)} MiB of the bot merged now`);
  }, 60_000);
});
