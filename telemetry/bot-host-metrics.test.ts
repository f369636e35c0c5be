// The worker's side of bot hosts' metrics: at each scrape it reads every pool and dedicated container's report under
// its socket root and serves it labelled by bot, container and Docker host; a host that answers nonsense or nothing
// counts as down and adds no series, a directory without a control socket is not a host, a dedicated container speaks
// only for its own bot, and a link where the socket should be is not followed. (test/bot-host-metrics.test.ts runs
// the same with a real pooled bot.)
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwatchBotHosts, watchBotHosts } from './bot-host-metrics.js';
import { workerRegistry } from './worker-metrics.js';

let root: string;
const servers: Server[] = [];

const bot = (botId: string, iterations: number) => ({
  botId, state: 'running', iterations, iterationSeconds: iterations * 0.02, lastIterationSeconds: 0.02, loopErrors: 1,
  apiRequests: 12, apiErrors: 0, openTrades: 1, closedTrades: 4,
});

async function host(dir: string, answer: unknown): Promise<void> {
  await mkdir(join(root, dir));
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(typeof answer === 'string' ? answer : JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(join(root, dir, 'host.sock'), resolve));
  servers.push(server);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tf-hostm-'));
  await host('p-good', { memoryBytes: 30e6, exchangeRequests: 40, exchangeErrors: 2, bots: [bot('b-one', 7), bot('b-two', 3)] });
  await host('p-bad', { memoryBytes: 1, exchangeRequests: 0, exchangeErrors: 0, bots: [bot('x"} evil 1\nfake_metric{a="', 1)] });
  await host('p-junk', 'not json');
  // A socket file nobody listens on: a dead host.
  await mkdir(join(root, 'p-dead'));
  await writeFile(join(root, 'p-dead', 'host.sock'), '');
  await mkdir(join(root, 'p-empty'));
  await mkdir(join(root, 'b-dedicated'));
  // A dedicated container reports its own bot; one that speaks for another bot is not heard on that bot's behalf.
  await host('b-solo', { memoryBytes: 20e6, exchangeRequests: 5, exchangeErrors: 0, bots: [bot('solo', 9), bot('b-one', 1000)] });
  // A link planted where the control socket goes (a FreqTrade bot's code can write its directory) is not followed.
  await mkdir(join(root, 'b-linked'));
  await symlink(join(root, 'p-good', 'host.sock'), join(root, 'b-linked', 'host.sock'));
});

afterAll(async () => {
  unwatchBotHosts('h-test');
  for (const s of servers) s.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const value = (text: string, name: string, labels: string): number | null => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((kv) => l.includes(kv)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : null;
};

describe('bot hosts on the worker\'s metrics', () => {
  it('serve each pool container\'s report by bot, and count hosts that answer nonsense or nothing as down', async () => {
    watchBotHosts('h-test', root);
    const text = await workerRegistry.metrics();
    expect(value(text, 'tradefleet_bot_host_up', 'host="h-test",container="good"')).toBe(1);
    for (const c of ['bad', 'junk', 'dead']) expect(value(text, 'tradefleet_bot_host_up', `host="h-test",container="${c}"`), c).toBe(0);
    for (const c of ['empty', 'dedicated']) expect(text).not.toContain(`container="${c}"`);
    expect(value(text, 'tradefleet_bot_host_bots', 'container="good"')).toBe(2);
    expect(value(text, 'tradefleet_bot_host_memory_bytes', 'container="good"')).toBe(30e6);
    expect(value(text, 'tradefleet_bot_host_exchange_errors_total', 'container="good"')).toBe(2);
    expect(value(text, 'tradefleet_bot_iterations_total', 'bot_id="b-one",host="h-test",container="good"')).toBe(7);
    expect(value(text, 'tradefleet_bot_iterations_total', 'bot_id="b-two"')).toBe(3);
    expect(value(text, 'tradefleet_bot_iteration_seconds_total', 'bot_id="b-one"')).toBeCloseTo(0.14);
    expect(value(text, 'tradefleet_bot_loop_errors_total', 'bot_id="b-one"')).toBe(1);
    expect(value(text, 'tradefleet_bot_api_requests_total', 'bot_id="b-one"')).toBe(12);
    expect(value(text, 'tradefleet_bot_trades', 'bot_id="b-one",state="closed"')).toBe(4);
    expect(value(text, 'tradefleet_bot_trades', 'bot_id="b-one",state="open"')).toBe(1);
    expect(value(text, 'tradefleet_bot_state', 'bot_id="b-one",state="running"')).toBe(1);
    expect(value(text, 'tradefleet_bot_iterations_total', 'bot_id="solo",host="h-test",container="bot-solo"')).toBe(9);
    expect(value(text, 'tradefleet_bot_iterations_total', 'bot_id="b-one",container="bot-solo"')).toBeNull();
    expect(value(text, 'tradefleet_bot_host_up', 'container="bot-linked"')).toBe(0);
    expect(text).not.toMatch(/container="bot-linked".* [1-9]/);
    // The bad host's bot id never reaches the output, whole or in part.
    expect(text).not.toContain('evil');
    expect(text).not.toContain('fake_metric');
  });

  it('stop serving a host that is no longer watched', async () => {
    unwatchBotHosts('h-test');
    expect(await workerRegistry.metrics()).not.toContain('host="h-test"');
  });
});
