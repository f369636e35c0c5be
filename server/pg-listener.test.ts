// The shared LISTEN connection against the test PostgreSQL, reached through a TCP relay the test can cut: notices
// arrive, and after the connection drops the listener comes back by itself and says so (missed notices).
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test/platform.js';
import { listen } from './pg-listener.js';

/** Relays connections to PostgreSQL; `cut()` drops them all, `refuse` turns new ones away. */
function relay(target: URL) {
  const sockets = new Set<net.Socket>();
  let refuse = false;
  const server = net.createServer((inbound) => {
    if (refuse) return void inbound.destroy();
    const outbound = net.connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  return {
    server,
    set refuse(value: boolean) {
      refuse = value;
    },
    cut: () => sockets.forEach((s) => s.destroy()),
  };
}

const databaseUrl = new URL(process.env.DATABASE_URL!);
const proxy = relay(databaseUrl);
let viaProxy: string;
const notifier = new pg.Client({ connectionString: databaseUrl.toString() });

beforeAll(async () => {
  await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', r));
  const u = new URL(databaseUrl);
  u.host = `127.0.0.1:${(proxy.server.address() as net.AddressInfo).port}`;
  viaProxy = u.toString();
  await notifier.connect();
});

afterAll(async () => {
  await notifier.end();
  proxy.server.close();
});

function startListening(channel: string) {
  const received: string[] = [];
  const logged: string[] = [];
  let reconnects = 0;
  const listener = listen({
    databaseUrl: viaProxy,
    channels: [channel],
    name: 'test listener',
    log: (msg) => logged.push(msg),
    onNotification: (_c, payload) => received.push(payload ?? ''),
    onReconnect: () => void (reconnects += 1),
  });
  return { listener, received, logged, reconnects: () => reconnects };
}

/** Notifies until the listener has one (a listener that is reconnecting misses notices, as it should). */
const deliver = (channel: string, received: string[], payload: string) =>
  waitFor(`notice ${payload}`, async () => {
    await notifier.query('select pg_notify($1, $2)', [channel, payload]);
    await new Promise((r) => setTimeout(r, 50));
    return received.includes(payload);
  }, 20_000);

describe('pg listener', () => {
  it('delivers notices, and after a dropped connection reconnects by itself and reports it', async () => {
    const channel = `test_${randomUUID().replaceAll('-', '')}`;
    const l = startListening(channel);
    const listener = await l.listener;
    try {
      await notifier.query('select pg_notify($1, $2)', [channel, 'first']);
      await waitFor('the first notice', async () => l.received.includes('first'), 5_000);

      proxy.cut();
      await waitFor('a reconnect', async () => l.reconnects() === 1, 10_000);
      expect(l.logged[0]).toMatch(/^test listener lost its connection \(.+\); reconnecting$/);
      await deliver(channel, l.received, 'after reconnect');
    } finally {
      await listener.close();
    }
  }, 30_000);

  it('keeps trying while the database stays unreachable, and comes back once it answers', async () => {
    const channel = `test_${randomUUID().replaceAll('-', '')}`;
    const l = startListening(channel);
    const listener = await l.listener;
    try {
      proxy.refuse = true;
      proxy.cut();
      await waitFor('failed reconnects', async () => l.logged.filter((m) => m.includes('could not reconnect')).length >= 2, 10_000);
      proxy.refuse = false;
      await waitFor('a reconnect', async () => l.reconnects() === 1, 10_000);
      await deliver(channel, l.received, 'back');
    } finally {
      proxy.refuse = false;
      await listener.close();
    }
  }, 30_000);
});
