import { describe, expect, it } from 'vitest';
import { notificationOfAlert, tradeNotices } from './notification.js';

const now = Date.parse('2026-12-06T15:00:00Z');
const trade = (tradeId: number, isOpen: boolean, at = '2026-12-06T14:50:00Z') => ({
  tradeId, pair: 'BTC/USDT', isOpen, amount: 0.01, openRate: 50_000, closeRate: isOpen ? null : 51_000, openDate: at,
  closeDate: isOpen ? null : at, profitAbs: isOpen ? null : 10, profitRatio: isOpen ? null : 0.02, exitReason: isOpen ? null : 'roi',
});
const bot = { id: 'b1', name: 'Alpha' };

describe('trade notices', () => {
  it('announce a new open trade and a trade closed since the last sync, once each by source key', () => {
    const held = { open: new Set([2]), closed: new Set([3]) };
    const notices = tradeNotices(bot, [trade(1, true), trade(2, false), trade(3, false), trade(4, false)], held, now);
    expect(notices.map((n) => n.sourceKey)).toEqual(['trade-opened:b1:1', 'trade-closed:b1:2', 'trade-closed:b1:4']);
    expect(notices[1]).toMatchObject({ kind: 'trade_closed', title: 'Alpha sold 0.01 BTC/USDT at 51000 (+2.00 %)', body: 'trade 2, roi, profit 10' });
  });

  it('stay quiet about an open trade already held and about history older than an hour', () => {
    const held = { open: new Set([1]), closed: new Set<number>() };
    expect(tradeNotices(bot, [trade(1, true), trade(5, false, '2026-12-06T13:00:00Z'), trade(6, true, '2026-12-01T00:00:00Z')], held, now)).toEqual([]);
  });
});

describe('alerts as notifications', () => {
  const base = { labels: { alertname: 'WorkerDown', severity: 'critical' }, annotations: { summary: 's', runbook: 'r' }, startsAt: 't', fingerprint: 'f' };
  it('address operators with the runbook unless a user is named, and mark resolutions', () => {
    expect(notificationOfAlert({ ...base, status: 'firing' })).toMatchObject({ userId: null, severity: 'critical', title: 's', body: 'r', kind: 'alert:WorkerDown' });
    expect(notificationOfAlert({ ...base, status: 'resolved' })).toMatchObject({ severity: 'info', title: 'Resolved: s' });
    const owner = '0b7c1b8e-4b5e-4a61-9c59-3c2e7e1e2f10';
    expect(notificationOfAlert({ ...base, status: 'firing', labels: { ...base.labels, user_id: owner, bot_id: owner } })).toMatchObject({ userId: owner, botId: owner, body: '' });
  });
});
