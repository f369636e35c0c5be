// The bot API client reads no more of a bot's answer than the cap: a hostile bot cannot make a worker buffer gigabytes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotApiError, createFreqtradeClient } from './freqtrade-client.js';

let server: http.Server;
let base: string;
let streamedBytes = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/api/v1/declared') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(64 * 1024 * 1024) });
      res.end(); // the length alone is refused, before any body is read
      return;
    }
    if (req.url === '/api/v1/endless') {
      // No length, an endless body: the client must stop reading at its cap.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const push = () => {
        while (!res.destroyed && res.write(chunk)) streamedBytes += chunk.length;
        if (!res.destroyed) res.once('drain', push);
      };
      res.on('close', () => res.destroy());
      push();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'pong' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('FreqTrade client answer cap', () => {
  const client = () => createFreqtradeClient(base, { username: 'u', password: 'p' }, 10_000, 1024 * 1024);

  it('reads a normal answer', async () => {
    expect(await client().ping()).toBe(true);
  });

  it('refuses an answer whose declared length is over the cap', async () => {
    await expect(client().get('declared')).rejects.toThrow(BotApiError);
    await expect(client().get('declared')).rejects.toThrow(/more than the 1048576 a bot answer may have/);
  });

  it('stops reading an endless answer at the cap', async () => {
    await expect(client().get('endless')).rejects.toThrow(/more than the 1048576 bytes a bot answer may have/);
    // The server could only push what fits in the socket buffers beyond what the client read.
    expect(streamedBytes).toBeLessThan(16 * 1024 * 1024);
  });
});
