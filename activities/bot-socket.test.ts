// The platform's client and a Docker host's gateway connect only to a bot's socket itself: a link a bot put in its
// place (to another bot's socket, or any socket of the host) is refused before a byte, credentials included, is sent.
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotGateway } from './bot-gateway.js';
import { assertBotSocket } from './bot-socket.js';
import { createFreqtradeClient } from './freqtrade-client.js';

let root: string;
let victim: http.Server;
/** Requests the victim's socket received, with their Authorization header. */
const received: Array<string | undefined> = [];
const victimSocket = () => path.join(root, 'p-victim', 'api-victim.sock');

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'tf-socket-'));
  await fs.mkdir(path.join(root, 'p-victim'));
  await fs.mkdir(path.join(root, 'p-k1'));
  victim = http.createServer((req, res) => {
    received.push(req.headers.authorization);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'pong' }));
  });
  await new Promise<void>((resolve) => victim.listen(victimSocket(), resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => victim.close(() => resolve()));
  await fs.rm(root, { recursive: true, force: true });
});

const freePort = () => new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as net.AddressInfo;
    s.close(() => resolve(port));
  });
});

describe("a bot's API socket", () => {
  it('is accepted as a socket, refused as a link or a plain file', async () => {
    await expect(assertBotSocket(victimSocket())).resolves.toBeUndefined();
    const link = path.join(root, 'p-k1', 'api-link.sock');
    await fs.symlink(victimSocket(), link);
    await expect(assertBotSocket(link)).rejects.toThrow(/is a link/);
    const file = path.join(root, 'p-k1', 'api-file.sock');
    await fs.writeFile(file, '');
    await expect(assertBotSocket(file)).rejects.toThrow(/not a socket/);
  });

  it("the platform's client sends nothing through a link planted as a bot's socket", async () => {
    const link = path.join(root, 'p-k1', 'api-attacker.sock');
    await fs.symlink(victimSocket(), link);
    const before = received.length;
    const client = createFreqtradeClient({ kind: 'socket', socketPath: link }, { username: 'attacker-bot', password: 'its-secret' });
    await expect(client.get('status')).rejects.toThrow(/is a link/);
    expect(received.length).toBe(before);
    // The real socket still answers the same client code.
    expect(await createFreqtradeClient({ kind: 'socket', socketPath: victimSocket() }, { username: 'u', password: 'p' }).ping()).toBe(true);
    expect(received.length).toBe(before + 1);
  });

  it("a Docker host's gateway joins a bot's port to its socket, never to a link in its place", async () => {
    const port = await freePort();
    const gateway = createBotGateway('127.0.0.1', root, async () => []);
    try {
      await gateway.route('k1', [{ botId: 'b1', apiPort: port }]);
      const socket = path.join(root, 'p-k1', 'api-b1.sock');
      await fs.symlink(victimSocket(), socket);
      const before = received.length;
      const viaLink = await fetch(`http://127.0.0.1:${port}/api/v1/ping`, { headers: { authorization: 'Basic c2VjcmV0' }, signal: AbortSignal.timeout(5000) })
        .then((r) => r.status, (error: unknown) => (error as Error).name);
      expect(viaLink).not.toBe(200);
      expect(received.length).toBe(before);

      // The bot's own socket in its place: the same port answers.
      await fs.rm(socket);
      const own = http.createServer((_req, res) => res.end(JSON.stringify({ status: 'pong' })));
      await new Promise<void>((resolve) => own.listen(socket, resolve));
      try {
        const answer = await fetch(`http://127.0.0.1:${port}/api/v1/ping`, { signal: AbortSignal.timeout(5000) });
        expect(await answer.json()).toEqual({ status: 'pong' });
      } finally {
        await new Promise<void>((resolve) => own.close(() => resolve()));
      }
      expect(received.length).toBe(before);
    } finally {
      await gateway.close();
    }
  });
});
