// Notifications beyond the center: a guard exit (and then a revoked exchange key) notifies its owner in the notification
// center, by a signed webhook call
// to the owner's receiver (HMAC-SHA256 of "<timestamp>.<body>" with their secret) and through Telegram's Bot API (a
// local receiver stands in for api.telegram.org, which this closed network cannot reach). Channel secrets are
// write-only; a webhook without a secret is refused naming the field.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { signWebhook } from '../telemetry/notify.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

interface Received { path: string; headers: IncomingMessage['headers']; body: string }
let exchange: PaperExchangeHandle;
let platform: TestPlatform;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => void (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await new Promise((r) => receiver.once('listening', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  exchange = await startPaperExchange({ port: 0, seed: 'notification-delivery', tickMs: 0 });
  exchange.setPrice('BTCUSDT', 50_000);
  platform = await startPlatform({ env: { PAPER_EXCHANGE_URL: exchange.url, TELEGRAM_API_URL: `${receiverUrl}/telegram` } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await exchange?.close();
  receiver?.close();
});

describe('notification delivery', () => {
  it('a guard exit reaches its owner in the center, by a signed webhook and by Telegram; channel secrets are never shown', async () => {
    const user = await signedUpAgent(platform.app);
    const secret = 'whsec-0123456789abcdef';
    const token = '123456789:AAF-telegram-test-token-abcdef';
    const channels = (body: object) => user.agent.patch('/api/notifications/channels').set('Origin', ORIGIN).send(body);

    const noSecret = await channels({ webhookUrl: `${receiverUrl}/hook`, telegramChatId: null });
    expect(noSecret.status).toBe(400);
    expect(noSecret.body.error.field).toBe('webhookSecret');
    expect((await channels({ webhookUrl: 'ftp://x', webhookSecret: secret, telegramChatId: null })).body.error.field).toBe('webhookUrl');
    const saved = await channels({ webhookUrl: `${receiverUrl}/hook`, webhookSecret: secret, telegramChatId: '4242', telegramToken: token });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.channels).toEqual({ webhookUrl: `${receiverUrl}/hook`, webhookSecretSet: true, telegramChatId: '4242', telegramTokenSet: true });
    expect(JSON.stringify((await user.agent.get('/api/notifications/channels')).body)).not.toContain(secret);

    const paper = exchange.createAccount({ balances: { BTC: '1' } });
    const account = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
      .send({ exchangeId: 'paper', label: 'Guarded', apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: 300 });
    expect(account.status).toBe(201);
    try {
      const created = await user.agent.post('/api/guards').set('Origin', ORIGIN)
        .send({ target: { kind: 'wallet', exchangeAccountId: account.body.account.id, symbol: 'BTC/USDT', amount: 0.5 }, trail: { trailPct: 5 } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const guardId: string = created.body.guard.id;
      await waitFor('the guard priced', async () => (await user.agent.get(`/api/guards/${guardId}`)).body.guard.lastPrice !== null);
      exchange.setPrice('BTCUSDT', 47_000); // through the 5 % trail under 50,000
      await waitFor('the guard exited', async () => (await user.agent.get(`/api/guards/${guardId}`)).body.guard.state === 'exited', 90_000);

      const center = await waitFor('the exit in the notification center', async () =>
        ((await user.agent.get('/api/notifications')).body.notifications as Array<{ kind: string; title: string }>).find((n) => n.kind === 'guard_exit'));
      expect(center.title).toMatch(/^Guard exit \(trailing stop\): sold 0\.5 BTC\/USDT/);

      const hook = await waitFor('the webhook call', async () => received.find((r) => r.path === '/hook'), 30_000);
      const timestamp = String(hook.headers['x-tradefleet-timestamp']);
      expect(hook.headers['x-tradefleet-signature']).toBe(signWebhook(secret, timestamp, hook.body));
      expect(hook.headers['x-tradefleet-signature']).not.toBe(signWebhook('another secret 123', timestamp, hook.body));
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(120);
      expect(JSON.parse(hook.body)).toMatchObject({ kind: 'guard_exit', title: center.title });

      const telegram = await waitFor('the Telegram message', async () => received.find((r) => r.path === `/telegram/bot${token}/sendMessage`), 30_000);
      expect(JSON.parse(telegram.body)).toEqual({ chat_id: '4242', text: expect.stringContaining('Guard exit (trailing stop)') });
      // Exactly once each, though the center and both channels were checked more than once.
      expect(received.filter((r) => r.path === '/hook')).toHaveLength(1);

      // The exchange revokes the key: the next sync fails, and the owner hears it once, by every channel.
      exchange.engine.accounts.remove(exchange.engine.accounts.find(paper.apiKey)!);
      expect((await user.agent.post(`/api/exchange-accounts/${account.body.account.id}/sync`).set('Origin', ORIGIN)).status).toBe(202);
      const failing = await waitFor('the wallet-sync notification', async () =>
        ((await user.agent.get('/api/notifications')).body.notifications as Array<{ kind: string; title: string; body: string }>).find((n) => n.kind === 'wallet_sync_failing'), 60_000);
      expect(failing.title).toBe('The exchange rejected the key of account Guarded');
      expect(failing.body).not.toContain(paper.apiKey);
      const walletHook = await waitFor('its webhook call', async () => received.find((r) => r.path === '/hook' && r.body.includes('wallet_sync_failing')), 30_000);
      expect(walletHook.headers['x-tradefleet-signature']).toBe(signWebhook(secret, String(walletHook.headers['x-tradefleet-timestamp']), walletHook.body));
    } finally {
      await user.agent.delete(`/api/exchange-accounts/${account.body.account.id}`).set('Origin', ORIGIN);
    }
  }, 180_000);
});
