// A FreqTrade pool container's directory holds one egress proxy per bot: each lets its bot reach its own exchange only,
// a bot that leaves loses its proxy, and a restarted worker listens again for every bot it served.
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBotChannels } from './bot-channels.js';

let root: string;
const exchanges: http.Server[] = [];
let hostA: string;
let hostB: string;

const listen = (s: http.Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));

/** The status line the egress socket at `socketPath` answers a CONNECT to `target` with, or the connection error. */
function connectStatus(socketPath: string, target: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath);
    let text = '';
    s.on('data', (d) => {
      text += d.toString();
      if (text.includes('\r\n')) {
        resolve(text.split('\r\n')[0]!);
        s.destroy();
      }
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(`failed: ${e.code}`));
    s.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
  });
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'tf-channels-'));
  for (let i = 0; i < 2; i++) exchanges.push(http.createServer((_req, res) => res.end('exchange')));
  hostA = `127.0.0.1:${await listen(exchanges[0]!)}`;
  hostB = `127.0.0.1:${await listen(exchanges[1]!)}`;
});

afterAll(async () => {
  for (const s of exchanges) s.close();
  await fs.rm(root, { recursive: true, force: true });
});

it("gives each pool bot an egress proxy of its own that reaches only that bot's exchange", async () => {
  const channels = createBotChannels(root, () => true);
  const dir = await channels.preparePerBot('f-pool1', { alice: [hostA], bob: [hostB] });
  const alice = path.join(dir, 'e-alice', 'egress.sock');
  const bob = path.join(dir, 'e-bob', 'egress.sock');
  expect(await connectStatus(alice, hostA)).toMatch(/ 200 /);
  expect(await connectStatus(alice, hostB)).toMatch(/ 403 /);
  expect(await connectStatus(bob, hostB)).toMatch(/ 200 /);
  expect(await connectStatus(bob, hostA)).toMatch(/ 403 /);
  expect((await fs.stat(path.join(dir, 'e-alice'))).uid).toBe(1000);

  // Bob leaves the container: his proxy and directory go, Alice's stays.
  await channels.preparePerBot('f-pool1', { alice: [hostA] });
  await expect(fs.stat(path.join(dir, 'e-bob'))).rejects.toThrow();
  expect(await connectStatus(alice, hostA)).toMatch(/ 200 /);
  await channels.close();
  expect(await connectStatus(alice, hostA)).toMatch(/^failed/);

  // A restarted worker listens again for Alice, with her allowlist.
  const again = createBotChannels(root, () => true);
  const deadline = Date.now() + 10_000;
  while ((await connectStatus(alice, hostA)).startsWith('failed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(await connectStatus(alice, hostA)).toMatch(/ 200 /);
  expect(await connectStatus(alice, hostB)).toMatch(/ 403 /);

  await again.remove('f-pool1');
  await expect(fs.stat(dir)).rejects.toThrow();
  await expect(fs.stat(path.join(root, 'f-pool1.egress-bots.json'))).rejects.toThrow();
  await again.close();
});

it('refuses a bot id that is not one', async () => {
  const channels = createBotChannels(root, () => true);
  await expect(channels.preparePerBot('f-pool2', { '../escape': [hostA] })).rejects.toThrow(/not a bot id/);
  // Nothing was made: no directory, no allowlist file a restarted worker would trip over.
  expect((await fs.readdir(root)).filter((e) => e.startsWith('f-pool2'))).toEqual([]);
  await channels.close();
});
