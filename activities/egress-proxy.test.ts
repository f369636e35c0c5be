// The egress proxy lets a bot reach its exchange's host:port pairs, by CONNECT or by absolute-URI request, and nothing else.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEgressProxy, type EgressProxy } from './egress-proxy.js';

let exchange: http.Server;
let other: http.Server;
let exchangePort: number;
let otherPort: number;
let proxy: EgressProxy;
let dir: string;

const listen = (s: http.Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));

/** One raw request to the proxy's socket; returns the status line and the rest. */
function raw(request: string, after?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(proxy.socketPath);
    let text = '';
    s.on('data', (d) => {
      text += d.toString();
      if (after && text.includes('200 Connection Established') && !text.includes('HTTP/1.1 200 OK')) s.write(after);
    });
    s.on('end', () => resolve(text)).on('close', () => resolve(text)).on('error', reject);
    s.write(request);
  });
}

beforeAll(async () => {
  exchange = http.createServer((req, res) => res.end(`exchange ${req.url}`));
  other = http.createServer((_req, res) => res.end('secret platform data'));
  [exchangePort, otherPort] = [await listen(exchange), await listen(other)];
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tf-egress-'));
  proxy = await startEgressProxy(path.join(dir, 'egress.sock'), [`127.0.0.1:${exchangePort}`]);
});

afterAll(async () => {
  await proxy.close();
  for (const s of [exchange, other]) s.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('the egress proxy', () => {
  it("forwards plain-HTTP requests to the bot's exchange only", async () => {
    expect(await raw(`GET http://127.0.0.1:${exchangePort}/api/v3/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1.1 200[\s\S]*exchange \/api\/v3\/ping/);
    const refused = await raw(`GET http://127.0.0.1:${otherPort}/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(refused).toMatch(/^HTTP\/1.1 403/);
    expect(refused).not.toContain('secret');
  });

  it("tunnels CONNECT to the bot's exchange only", async () => {
    const tunnelled = await raw(`CONNECT 127.0.0.1:${exchangePort} HTTP/1.1\r\n\r\n`, 'GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(tunnelled).toMatch(/^HTTP\/1.1 200 Connection Established[\s\S]*exchange \/x/);
    for (const target of [`127.0.0.1:${otherPort}`, `localhost:${exchangePort}`, '169.254.169.254:80', '10.0.0.1:443']) {
      expect(await raw(`CONNECT ${target} HTTP/1.1\r\n\r\n`)).toMatch(/^HTTP\/1.1 403/);
    }
  });

  it('applies a new allowlist at once', async () => {
    proxy.allow([`127.0.0.1:${otherPort}`]);
    expect(await raw(`GET http://127.0.0.1:${exchangePort}/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1.1 403/);
    proxy.allow([`127.0.0.1:${exchangePort}`]);
  });
});

describe('the egress socket in a directory the container can write', () => {
  it('never changes the mode of a file a symlink planted at its name points to, however the swap is timed', async () => {
    const place = await fs.mkdtemp(path.join(os.tmpdir(), 'tf-egress-race-'));
    const victim = path.join(place, 'host-file');
    await fs.writeFile(victim, 'not for the bot', { mode: 0o600 });
    const socketDir = path.join(place, 'bot');
    await fs.mkdir(socketDir);
    const socketPath = path.join(socketDir, 'egress.sock');
    // The container's code, in a process of its own: swaps the socket's name for a link to the victim without pause.
    const attacker = spawn(process.execPath, ['-e', `
      const fs = require('node:fs');
      const [link, target] = process.argv.slice(1);
      for (;;) { try { fs.unlinkSync(link); } catch {} try { fs.symlinkSync(target, link); } catch {} }
    `, socketPath, victim], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      for (let i = 0; i < 300; i++) {
        const started = await startEgressProxy(socketPath, []).catch(() => null);
        await started?.close();
        expect((await fs.stat(victim)).mode & 0o777).toBe(0o600);
      }
    } finally {
      attacker.kill('SIGKILL');
      await fs.rm(place, { recursive: true, force: true });
    }
    // Nothing of the staging directories is left beside the socket's directory.
    expect((await fs.readdir(os.tmpdir())).filter((n) => n.startsWith('.egress-'))).toEqual([]);
  });
});
