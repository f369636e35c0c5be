// Logs: a whole platform started as `npm start` starts it, at LOG_LEVEL=debug, driven through sign-up, an API token, two
// exchange accounts (one with wrong keys, refused by the exchange) and a live bot. Every line any of its
// processes wrote (start output with worker, server, web and exchange, Temporal's and PostgreSQL's logs, the bot
// container's log) is JSON where it is ours, carries botId / userId / workflowId where they apply, and holds none of
// the secrets the test made.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createControlPlane, type ControlPlane } from './control-plane.js';
import { removeDockerThings } from './fleet-check.js';

const docker = new Docker();
let plane: ControlPlane;
const userIds: string[] = [];

beforeAll(async () => {
  plane = await createControlPlane({ LOG_LEVEL: 'debug', BOT_PLACEMENT: 'dedicated' });
  await plane.start();
}, 180_000);

afterAll(async () => {
  await plane?.destroy();
  if (plane) await removeDockerThings(docker, plane, userIds);
}, 120_000);

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The one file of a tar archive from Docker's archive API. */
function untarOne(tar: Buffer): string {
  const size = parseInt(tar.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim(), 8);
  return tar.subarray(512, 512 + size).toString('utf8');
}

function logFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.log'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('logs of a platform run', () => {
  it('are JSON lines with botId, userId and workflowId where they apply, and carry none of the secrets the run made', async () => {
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const headers = { origin: plane.origin, 'content-type': 'application/json' };
    const signup = await fetch(`${plane.apiUrl}/api/auth/signup`, {
      method: 'POST', headers, body: JSON.stringify({ email: `logs-${randomUUID()}@example.com`, password }),
    });
    expect(signup.status).toBe(201);
    const cookie = String(signup.headers.get('set-cookie')).split(';')[0]!;
    const sessionId = cookie.split('=')[1]!;
    const userId: string = ((await signup.json()) as { user: { id: string } }).user.id;
    userIds.push(userId);
    const call = async (method: string, route: string, body?: unknown, extra: Record<string, string> = {}) => {
      const res = await fetch(`${plane.apiUrl}${route}`, { method, headers: { ...headers, cookie, ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };

    const token = await call('POST', '/api/tokens', { name: 'log test', scopes: ['read', 'trade'], expiresInDays: 1 });
    expect(token.status).toBe(201);
    const tokenSecret: string = token.body.secret ?? token.body.token?.secret;
    expect(tokenSecret).toMatch(/^tf_/);
    expect((await fetch(`${plane.apiUrl}/api/bots`, { headers: { authorization: `Bearer ${tokenSecret}` } })).status).toBe(200);

    // An exchange account of its own on the plane's paper exchange, and one whose secret is wrong (wallet sync fails).
    const admin = JSON.parse(fs.readFileSync(path.join(plane.dir, 'paper-exchange.json'), 'utf8')) as { adminToken: string };
    const made = await fetch(`${plane.exchangeUrl}/admin/accounts`, {
      method: 'POST', headers: { authorization: `Bearer ${admin.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ balances: { USDT: '5000' } }),
    });
    expect(made.status).toBe(201);
    const keys = (await made.json()) as { apiKey: string; secret: string };
    const account = await call('POST', '/api/exchange-accounts', { exchangeId: 'paper', label: 'logs', apiKey: keys.apiKey, secret: keys.secret });
    expect(account.status).toBe(201);
    const wrongKey = randomBytes(24).toString('hex');
    const wrongSecret = randomBytes(32).toString('hex');
    const wrong = await call('POST', '/api/exchange-accounts', { exchangeId: 'paper', label: 'wrong', apiKey: wrongKey, secret: wrongSecret });
    // Checked against the exchange and refused: the refusal goes through ccxt, the worker and the API, and their logs.
    expect(wrong.status).toBe(400);

    const created = await call('POST', '/api/bots', { name: 'logged', pairs: ['BTC/USDT'], stakeAmount: 10, dryRun: false, exchangeAccountId: account.body.account.id, placement: 'dedicated' });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;
    await until('the bot running', async () => (await call('GET', `/api/bots/${botId}`)).body?.bot?.status === 'running');
    // The bot's own API credentials, as the platform wrote them into its container.
    const [container] = await docker.listContainers({ all: true, filters: { label: [`tradefleet.bot=${botId}`] } });
    const hostConfig = JSON.parse(untarOne(Buffer.concat(await streamToBuffers(await docker.getContainer(container!.Id).getArchive({ path: '/config/bot-host.json' })))));
    const botApi = hostConfig.bots[0].api as { password: string; jwtSecret: string };
    expect(hostConfig.bots[0].credentials.secret).toBe(keys.secret);
    await call('POST', `/api/bots/${botId}/stop`);

    const secrets: Record<string, string> = {
      'user password': password, 'session id': sessionId, 'API token': tokenSecret, 'exchange API key': keys.apiKey,
      'exchange secret': keys.secret, 'wrong exchange key': wrongKey, 'wrong exchange secret': wrongSecret, 'bot API password': botApi.password, 'bot JWT secret': botApi.jwtSecret,
    };
    const botLog = demux(await docker.getContainer(container!.Id).logs({ stdout: true, stderr: true, follow: false }));
    const files = logFilesUnder(plane.dir);
    const texts = [...files.map((f) => [path.relative(plane.dir, f), fs.readFileSync(f, 'utf8')] as const), ['bot container', botLog] as const];
    for (const [where, text] of texts) {
      for (const [what, secret] of Object.entries(secrets)) {
        expect(text.includes(secret), `${what} appears in ${where}`).toBe(false);
      }
    }

    // What was read is the run's logs: JSON from each of our processes, with the fields that tie lines to a bot or user.
    const lines = texts.flatMap(([, text]) => text.split('\n'))
      .map((l) => l.replace(/^[a-z]+ *\| /, ''))
      .flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : []));
    const services = new Set(lines.map((l) => l['service']));
    for (const s of ['server', 'worker', 'bot-host']) expect(services, `no JSON line from ${s}`).toContain(s);
    expect(lines.some((l) => l['service'] === 'server' && l['userId'] === userId)).toBe(true);
    expect(lines.some((l) => l['service'] === 'worker' && l['workflowId'] === `bot:${botId}` && l['botId'] === botId)).toBe(true);
    expect(lines.some((l) => l['service'] === 'bot-host' && l['botId'] === botId)).toBe(true);
    expect(lines.filter((l) => l['service'] === 'server' || l['service'] === 'worker').every((l) => typeof l['level'] === 'string' && typeof l['time'] === 'string')).toBe(true);
  }, 420_000);
});

async function streamToBuffers(stream: NodeJS.ReadableStream): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return chunks;
}

/** Docker's multiplexed log stream (no TTY): 8-byte frame headers, then the payload. */
function demux(raw: Buffer): string {
  const parts: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
