// The notification center and Alertmanager's webhook: a bot's alert reaches the bot's owner (found from the bot, not
// from the alert's labels) and nobody else; platform alerts reach operators; a wrong token records nothing; a resent
// alert is recorded once; read marks clear the unread count.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CreateBotInput } from '../domain/bot.js';
import { makeOperator } from '../db/users.js';
import { apiOnlyPlatform } from './api-only-platform.js';
import { ORIGIN, signedUpAgent } from './platform.js';
import { insertBotOnFreePort } from './bot-rows.js';

const TOKEN = randomUUID();
const platform = apiOnlyPlatform({ env: { ALERTMANAGER_WEBHOOK_TOKEN: TOKEN } });

const alert = (labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing') => ({
  status, labels, annotations: { summary: `${labels['alertname']} summary`, runbook: 'do this; docs/observability.md#x' },
  startsAt: '2026-12-06T15:00:00Z', fingerprint: randomUUID().slice(0, 16),
});

describe('notifications from Alertmanager', () => {
  it('deliver a bot alert to its owner only, platform alerts to operators, once per alert, with an unread count', async () => {
    // The operator first: a database's first user may become an operator by itself.
    const operator = await signedUpAgent(platform().app);
    const owner = await signedUpAgent(platform().app);
    const other = await signedUpAgent(platform().app);
    await makeOperator(platform().db, operator.email);
    const spec = CreateBotInput.parse({ name: 'Alerted', pairs: ['BTC/USDT'], stakeAmount: 10 });
    const bot = await insertBotOnFreePort(platform().db, { id: randomUUID(), userId: owner.userId, spec, driver: 'docker', sealedCredentials: 'x' });
    // The label names another user: the owner comes from the bot's row.
    const botAlert = alert({ alertname: 'BotUnreachable', severity: 'warning', bot_id: bot.id, user_id: other.userId });
    const platformAlert = alert({ alertname: 'WorkerDown', severity: 'critical', job: 'tradefleet-worker' });
    const payload = { version: '4', status: 'firing', alerts: [botAlert, platformAlert] };

    const post = (token: string) => request(platform().app).post('/api/alerts/alertmanager').set('Authorization', `Bearer ${token}`).send(payload);
    expect((await post('wrong')).status).toBe(401);
    expect((await request(platform().app).post('/api/alerts/alertmanager').send(payload)).status).toBe(401);
    expect((await owner.agent.get('/api/notifications')).body).toEqual({ notifications: [], unread: 0 });
    expect((await post(TOKEN)).body).toEqual({ recorded: 2 });
    expect((await post(TOKEN)).body).toEqual({ recorded: 0 });

    const mine = (await owner.agent.get('/api/notifications')).body;
    expect(mine.unread).toBe(1);
    expect(mine.notifications).toEqual([expect.objectContaining({ kind: 'alert:BotUnreachable', title: 'BotUnreachable summary', botId: bot.id, userId: owner.userId, readAt: null })]);
    expect((await other.agent.get('/api/notifications')).body.notifications).toEqual([]);
    const ops = (await operator.agent.get('/api/notifications')).body;
    expect(ops.notifications.map((n: { kind: string }) => n.kind)).toContain('alert:WorkerDown');
    expect(ops.notifications.map((n: { kind: string }) => n.kind)).not.toContain('alert:BotUnreachable');
    expect(ops.notifications.find((n: { kind: string }) => n.kind === 'alert:WorkerDown').body).toContain('docs/observability.md');

    // Resolved: a notification of its own; then all read.
    expect((await request(platform().app).post('/api/alerts/alertmanager').set('Authorization', `Bearer ${TOKEN}`)
      .send({ alerts: [{ ...botAlert, status: 'resolved' }] })).body).toEqual({ recorded: 1 });
    expect((await owner.agent.get('/api/notifications')).body.unread).toBe(2);
    const read = await owner.agent.post('/api/notifications/read').set('Origin', ORIGIN).send({});
    expect(read.body).toMatchObject({ changed: 2, unread: 0 });
    expect(read.body.notifications[0]).toMatchObject({ title: 'Resolved: BotUnreachable summary', severity: 'info' });
    expect((await owner.agent.post('/api/notifications/read').set('Origin', ORIGIN).send({ ids: ['x'] })).body.error).toMatchObject({ field: 'ids.0' });
  });

});

