// The bot-host image as the platform runs it: hardened container without a network, its API on a socket in its
// directory and its exchange behind the egress proxy; one bot (ping, login, trade, clean stop), and a pool container
// whose bots change with the config file, with a bot's state file moved to another container.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { startEgressProxy } from '../activities/egress-proxy.js';
import { singleFileTar } from '../activities/tar.js';
import { botApiSocketName, CONTAINER_SOCKET_DIR, EGRESS_PROXY_URL, EGRESS_SOCKET } from '../domain/bot-channel.js';
import { BOT_HOST_CONFIG_ENV, BOT_HOST_CONFIG_FILE_ENV, type HostedBotConfig } from '../domain/bot-host-config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { startPaperExchange } from '../exchange/server.js';
import { AccessAndRefreshToken, ShowConfig } from './freqtrade-api-schemas.js';
import { stateFileName } from './bot-state-store.js';
import { basic, botConfig, call, freePort } from './test-support.js';
import { crossStrategy } from './trading-test-support.js';

const run = promisify(execFile);
const IMAGE = process.env['BOT_IMAGE'] || 'tradefleet/bot-host:latest';

/** A container's socket directory as the platform makes it: owned by the bot user, 0700. */
async function socketDir(): Promise<string> {
  const dir = `/tmp/tf-img-${randomBytes(4).toString('hex')}`;
  await mkdir(dir, { mode: 0o700 });
  await chown(dir, 1000, 1000);
  return dir;
}

function dockerReachable(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const reachable = dockerReachable();
const skipNote = reachable ? '' : ' [skipped: `docker info` failed, Docker is not reachable]';

describe('bot-host image', () => {
  it.skipIf(!reachable)(`runs hardened without a network, trades on the paper exchange through the egress proxy and stops within 2 s${skipNote}`, async () => {
    const inspect = await run('docker', ['image', 'inspect', IMAGE]).catch(() => null);
    expect(inspect, `image ${IMAGE} is missing: build it with bash scripts/images.sh`).not.toBeNull();

    // The bundled host's trimmed ccxt (binance class only) must really trade: a live bot on a paper-exchange account,
    // the exchange on this host's loopback.
    const ex = await startPaperExchange({ port: 0, tickMs: 0, historyDays: 1 });
    const account = ex.createAccount({ balances: { USDT: '1000' } });
    const dir = await socketDir();
    const exchangeHost = new URL(ex.url).host;
    const proxy = await startEgressProxy(`${dir}/${EGRESS_SOCKET}`, [exchangeHost]);
    const bot = botConfig('imagetest', await freePort(), {
      pairs: ['BTC/USDT'], strategy: crossStrategy(), exchangeProfile: { ...exchangeProfile('paper', ex.url), proxy: { httpProxy: EGRESS_PROXY_URL } },
      dryRun: false, credentials: { apiKey: account.apiKey, secret: account.secret },
    });
    const api = `${dir}/${botApiSocketName(bot.botId)}`;
    const name = `tf-bot-host-test-${randomBytes(4).toString('hex')}`;
    const env = { ...process.env, [BOT_HOST_CONFIG_ENV]: JSON.stringify({ socketDir: CONTAINER_SOCKET_DIR, bots: [bot] }) };
    // `-e NAME` without a value passes it from this process's environment, so the secrets stay out of argv.
    await run('docker', [
      'run', '-d', '--name', name, '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
      '--user', '1000:1000', '--pids-limit', '64', '--memory', '128m', '--network', 'none',
      '-v', `${dir}:${CONTAINER_SOCKET_DIR}`, '-e', BOT_HOST_CONFIG_ENV, IMAGE,
    ], { env });
    try {
      let up = false;
      for (let i = 0; i < 100 && !up; i++) {
        up = await call(api, '/api/v1/ping').then((r) => r.status === 200, () => false);
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      expect(up, 'bot API did not answer /ping within 10 s').toBe(true);

      const login = await call(api, '/api/v1/token/login', { method: 'POST', authorization: basic(bot.api.username, bot.api.password) });
      const { access_token } = AccessAndRefreshToken.parse(login.body);
      const cfg = ShowConfig.parse((await call(api, '/api/v1/show_config', { authorization: `Bearer ${access_token}` })).body);
      expect(cfg).toMatchObject({ state: 'running', bot_name: 'imagetest', dry_run: false, force_entry_enable: true, strategy: 'SmaCross' });
      const bearer = `Bearer ${access_token}`;
      const entry = await call(api, '/api/v1/forceenter', { method: 'POST', authorization: bearer, body: JSON.stringify({ pair: 'BTC/USDT' }) });
      const ask = Number(ex.prices().find((p) => p.symbol === 'BTCUSDT')?.ask);
      expect(entry).toMatchObject({ status: 200, body: { trade_id: 1, pair: 'BTC/USDT', open_rate: ask, is_open: true } });
      const exit = await call(api, '/api/v1/forceexit', { method: 'POST', authorization: bearer, body: JSON.stringify({ tradeid: 'all' }) });
      expect(exit.body).toEqual({ result: 'Created exit orders for all open trades.' });
      const trades = await call(api, '/api/v1/trades', { authorization: bearer });
      expect(trades.body).toMatchObject({ total_trades: 1, trades: [{ exit_reason: 'force_exit' }] });
      expect(ex.account(account.id)).toMatchObject({ orders: 2, trades: 2 });

      const started = Date.now();
      await run('docker', ['stop', '-t', '10', name]);
      expect(Date.now() - started).toBeLessThan(3_000);
      const { stdout: exitCode } = await run('docker', ['inspect', '--format', '{{.State.ExitCode}}', name]);
      expect(exitCode.trim()).toBe('0');

      const { stdout: logs } = await run('docker', ['logs', name]);
      expect(logs).toContain('"msg":"bot host started"');
      for (const secret of [bot.api.password, bot.api.jwtSecret, access_token, account.secret]) expect(logs).not.toContain(secret);
    } finally {
      await run('docker', ['rm', '-f', '-v', name]).catch(() => undefined);
      await proxy.close();
      await rm(dir, { recursive: true, force: true });
      await ex.close();
    }
  });

  it.skipIf(!reachable)(`runs a pool container: starts empty, follows putArchive'd configs, saves state a new container takes over${skipNote}`, async () => {
    const docker = new Docker();
    const owned = { uid: 1000, gid: 1000, mode: 0o600 };
    const a = botConfig('pool-a', await freePort());
    const b = botConfig('pool-b', await freePort());
    const created: Docker.Container[] = [];
    const dirs: string[] = [];
    // As activities/pool-containers.ts creates them: the config file in a /config volume, the rootfs read-only, no
    // network, the container's socket directory at /run/tf.
    const create = async () => {
      const dir = await socketDir();
      dirs.push(dir);
      const c = await docker.createContainer({
        name: `tf-bot-pool-test-${randomBytes(4).toString('hex')}`, Image: IMAGE, User: '1000:1000',
        Env: [`${BOT_HOST_CONFIG_FILE_ENV}=/config/bot-host.json`], Volumes: { '/config': {} },
        HostConfig: {
          NetworkMode: 'none', Mounts: [{ Type: 'bind', Source: dir, Target: CONTAINER_SOCKET_DIR }], ReadonlyRootfs: true, CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], PidsLimit: 64,
          Memory: 128 * 1024 * 1024, Tmpfs: { '/tmp': 'rw,noexec,nosuid,size=16m' },
        },
      });
      created.push(c);
      return c;
    };
    const putConfig = (c: Docker.Container, bots: HostedBotConfig[]) =>
      c.putArchive(singleFileTar('bot-host.json', JSON.stringify({ socketDir: CONTAINER_SOCKET_DIR, bots }), owned), { path: '/config' });
    /** Where a bot answers: its socket in the directory of the container that runs it (the first, until it moves). */
    let home = 0;
    const at = (bot: HostedBotConfig) => `${dirs[bot === b ? home : 0]}/${botApiSocketName(bot.botId)}`;
    const socketOpen = (path: string) => new Promise<boolean>((resolve) => {
      const socket = connect(path);
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    const answers = (bot: HostedBotConfig) => call(at(bot), '/api/v1/ping').then((r) => r.status === 200, () => false);
    const within = async (ms: number, ok: () => Promise<boolean>) => {
      const started = Date.now();
      while (!(await ok()) && Date.now() - started < ms) await new Promise((r) => setTimeout(r, 100));
      return ok();
    };
    const state = async (bot: HostedBotConfig) =>
      ShowConfig.parse((await call(at(bot), '/api/v1/show_config', { authorization: basic(bot.api.username, bot.api.password) })).body).state;

    try {
      const first = await create();
      await putConfig(first, []);
      await first.start();
      expect(await within(10_000, async () => (await first.logs({ stdout: true })).toString().includes('"msg":"bot host started"'))).toBe(true);

      await putConfig(first, [a, b]);
      expect(await within(5_000, async () => (await answers(a)) && answers(b)), 'both bots answer /ping within 5 s').toBe(true);
      await call(at(b), '/api/v1/stop', { method: 'POST', authorization: basic(b.api.username, b.api.password) });

      await putConfig(first, [a]);
      // A stopping bot answers 503 until its state is saved; its socket closes after (what the platform waits for).
      expect(await within(5_000, async () => !(await socketOpen(at(b)))), "the removed bot's socket closes within 5 s").toBe(true);
      expect(await answers(a)).toBe(true);

      // The platform moves a bot by copying its state file byte for byte: out of one container, into the next.
      const tar = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        void first.getArchive({ path: `/state/${stateFileName(b.botId)}` }).then((s) => s.on('data', (d: Buffer) => chunks.push(d)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject), reject);
      });
      expect(parseInt(tar.subarray(100, 107).toString(), 8) & 0o777).toBe(0o600);
      expect(parseInt(tar.subarray(108, 115).toString(), 8)).toBe(1000);
      const text = tar.subarray(512, 512 + parseInt(tar.subarray(124, 135).toString(), 8)).toString();
      expect(JSON.parse(text)).toMatchObject({ botId: b.botId, state: 'stopped' });

      const second = await create();
      await putConfig(second, []);
      await second.start();
      await second.putArchive(singleFileTar(stateFileName(b.botId), text, owned), { path: '/state' });
      await putConfig(second, [b]);
      home = 1;
      expect(await within(5_000, () => answers(b))).toBe(true);
      expect(await state(b)).toBe('stopped');

      const started = Date.now();
      await Promise.all(created.map((c) => c.stop({ t: 10 })));
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await first.inspect()).State.ExitCode).toBe(0);
      const logs = (await first.logs({ stdout: true, stderr: true })).toString();
      // JSON lines (the engine's stream header before each): the host said which bot it removed.
      const lines = logs.split('\n').map((l) => l.slice(l.indexOf('{'))).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.some((l) => l['msg'] === 'bot removed' && l['botId'] === b.botId)).toBe(true);
      for (const secret of [a.api.password, a.api.jwtSecret, b.api.password, b.api.jwtSecret]) expect(logs).not.toContain(secret);
    } finally {
      for (const c of created) await c.remove({ force: true, v: true }).catch(() => undefined);
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
  });
});
