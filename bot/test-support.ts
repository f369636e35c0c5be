// Shared by the bot host's tests: free ports, bot configs with throwaway secrets, and a small HTTP client.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { HostedBotConfig } from '../domain/bot-host-config.js';

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function botConfig(name: string, apiPort: number, overrides: Partial<HostedBotConfig> = {}): HostedBotConfig {
  return {
    botId: `bot-${name}`,
    name,
    exchange: 'paper',
    pairs: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'],
    stakeAmount: 50,
    stakeCurrency: 'USDT',
    dryRun: true,
    apiPort,
    api: {
      username: `user-${name}`,
      password: randomBytes(16).toString('hex'),
      jwtSecret: randomBytes(32).toString('hex'),
    },
    ...overrides,
  };
}

export const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

/** fetch() against a bot's API; the body is parsed as JSON when the server says it is JSON. */
/** A request to a bot's API on 127.0.0.1:`at`, or on the Unix socket at path `at` (a bot in a container). */
export async function call(at: number | string, path: string, init: { method?: string; authorization?: string; body?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (init.authorization !== undefined) headers['authorization'] = init.authorization;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (typeof at === 'string') return callSocket(at, path, init.method ?? 'GET', headers, init.body);
  const port = at;
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: init.method ?? 'GET', headers, body: init.body });
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json') && text ? (JSON.parse(text) as unknown) : text;
  return { status: res.status, headers: res.headers, body: json };
}

/** The payload of a JWT, unverified (tests check its shape). */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

function callSocket(socketPath: string, path: string, method: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('error', reject).on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = String(res.headers['content-type'] ?? '').startsWith('application/json') && text ? (JSON.parse(text) as unknown) : text;
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: h, body: json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
