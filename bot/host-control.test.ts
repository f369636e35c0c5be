// A bot list pushed over the host's control socket: applied before the answer, saved to the config file (so a restart
// and the file follower agree with it), refused whole when invalid (naming the path, never the value), and a socket
// nobody serves, or a host that does not answer in time, makes the platform fall back to the file.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_CONTROL_SOCKET_ENV, pushHostConfig } from '../activities/bot-host-control.js';
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import { followConfigFile, type ConfigFollower } from './config-file-follower.js';
import { CONTROL_SOCKET_ENV, serveHostControl } from './host-control.js';
import { createBotHost, type BotHost } from './host.js';
import { createLogger } from './log.js';
import { botConfig, call, freePort } from './test-support.js';

let dir: string;
let file: string;
let socket: string;
let host: BotHost;
let follower: ConfigFollower;
let server: Server;
const lines: string[] = [];
const listOf = (bots: HostedBotConfig[]) => JSON.stringify({ listenHost: '127.0.0.1', bots });
const answers = (bot: HostedBotConfig) => call(bot.apiPort, '/api/v1/ping').then((r) => r.status === 200, () => false);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tf-control-'));
  file = join(dir, 'bot-host.json');
  socket = join(dir, 'host.sock');
  await writeFile(file, listOf([]), { mode: 0o600 });
  const log = (l: string) => lines.push(l);
  host = createBotHost({ processIntervalMs: 0, log, stateDir: dir });
  follower = followConfigFile(host, file, createLogger(log), { intervalMs: 60_000, retryFailedMs: 0, appliedText: listOf([]) });
  server = await serveHostControl(socket, follower, createLogger(log));
});
afterAll(async () => {
  server?.close();
  follower?.stop();
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the host control socket', () => {
  it('names the same env var on both sides', () => {
    expect(CONTROL_SOCKET_ENV).toBe(HOST_CONTROL_SOCKET_ENV);
  });

  it('applies a pushed list before it answers and saves it as the config file', async () => {
    const a = botConfig('ctl-a', await freePort());
    const b = botConfig('ctl-b', await freePort());
    const answer = await pushHostConfig(socket, listOf([a, b]));
    expect(answer).toMatchObject({ changed: true, added: expect.arrayContaining([a.botId, b.botId]), failed: [] });
    // Answering already: the push waited for the apply.
    expect([await answers(a), await answers(b)]).toEqual([true, true]);
    expect(await readFile(file, 'utf8')).toBe(listOf([a, b]));
    // The follower's next poll finds its own write: nothing applied twice.
    const before = lines.length;
    await follower.poll();
    expect(lines.slice(before).filter((l) => l.includes('configuration applied'))).toEqual([]);
    // The same list again changes nothing.
    expect(await pushHostConfig(socket, listOf([a, b]))).toMatchObject({ changed: false });
    // A shorter list stops the bot it no longer names.
    expect(await pushHostConfig(socket, listOf([a]))).toMatchObject({ changed: true, removed: [b.botId] });
    expect([await answers(a), await answers(b)]).toEqual([true, false]);
  });

  it('refuses an invalid list whole, naming the path and never the value, and keeps the running bots', async () => {
    const a = botConfig('ctl-keep', await freePort());
    await pushHostConfig(socket, listOf([a]));
    const saved = await readFile(file, 'utf8');
    const secret = 'short-secret-never-echoed';
    const bad = listOf([a, { ...botConfig('ctl-bad', await freePort()), api: { ...a.api, jwtSecret: secret } }]);
    const refused = await pushHostConfig(socket, bad).catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toMatch(/bots\.1\.api\.jwtSecret: must have at least 32 characters/);
    expect((refused as Error).message).not.toContain(secret);
    expect(await readFile(file, 'utf8')).toBe(saved);
    expect(await answers(a)).toBe(true);
    const notJson = await pushHostConfig(socket, `{"bots": [{"api": {"jwtSecret": "${secret}"`).catch((error: Error) => error);
    expect((notJson as Error).message).toMatch(/not valid JSON/);
    expect((notJson as Error).message).not.toContain(secret);
  });

  it('answers null when nobody serves the socket, so the platform writes the file instead', async () => {
    expect(await pushHostConfig(join(dir, 'nobody.sock'), listOf([]))).toBeNull();
    await writeFile(join(dir, 'not-a-socket'), '');
    expect(await pushHostConfig(join(dir, 'not-a-socket'), listOf([]))).toBeNull();
  });

  it('answers null when the host takes the list but does not answer in time, so the file goes in too', async () => {
    // A host busy applying: it reads the request and answers nothing.
    const busy = createServer((req) => req.resume());
    const busySocket = join(dir, 'busy.sock');
    await new Promise<void>((resolve) => busy.listen(busySocket, resolve));
    try {
      const started = Date.now();
      expect(await pushHostConfig(busySocket, listOf([]), 300)).toBeNull();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      busy.closeAllConnections();
      busy.close();
    }
  });
});
