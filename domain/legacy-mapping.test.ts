// Mapping v1 of legacy documents: the messiness it accepts, the reasons it gives, and the checksum lines both sides share.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checksumLine, legacyUuid, mapLegacy, objectIdTime, parseLegacy, stableJson } from './legacy-mapping.js';
import { collectionFigures } from './migration-run.js';

const OID = '65a1b2c3d4e5f60718293a4b';
const BOT = '65a1b2c3d4e5f60718293aff';
const resolveAll = () => 'b0000000-0000-4000-8000-000000000001';

describe('legacy mapping', () => {
  it('maps a messy trade: numbers as strings, ObjectId as hex, BSON dates', () => {
    const parsed = parseLegacy('trades', {
      _id: { $oid: OID.toUpperCase() }, botId: BOT, tradeId: '7', pair: 'btc/usdt', amount: ' 0.5 ', stake: { $numberDecimal: '100.25' },
      openRate: '200.5', closeRate: 210, openedAt: { $date: '2024-01-02T03:04:05.678Z' }, closedAt: 1704164645678, profit: '4.75', status: 'closed',
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.doc.refs).toEqual([{ collection: 'bots', legacyId: BOT }]);
    const mapped = mapLegacy('trades', parsed.doc, resolveAll);
    expect(mapped).toMatchObject({ ok: true, row: { legacyId: OID, tradeId: 7, pair: 'BTC/USDT', amount: 0.5, stakeAmount: 100.25, openRate: 200.5, isOpen: false, profitAbs: 4.75, openDate: '2024-01-02T03:04:05.678Z' } });
  });

  it('names the field that breaks the schema', () => {
    expect(parseLegacy('trades', { _id: { $oid: OID }, botId: BOT, tradeId: 1, pair: 'BTCUSDT', amount: 1, stake: 1, openRate: 1, openedAt: 0 })).toEqual({ ok: false, reason: 'pair: must look like BTC/USDT' });
    expect(parseLegacy('users', { _id: { $oid: OID }, passwordHash: 'x' })).toEqual({ ok: false, reason: 'email: is missing' });
    expect(parseLegacy('trades', { _id: { $oid: OID }, botId: BOT, tradeId: 1, pair: 'BTC/USDT', amount: 1, stake: 1, openedAt: 0 })).toEqual({ ok: false, reason: 'openRate: is missing' });
    expect(parseLegacy('bots', { _id: { $oid: OID }, userId: BOT, name: 'b', pairs: 'BTC/USDT', stake: 'ten' })).toEqual({ ok: false, reason: 'stake: must be a number' });
  });

  it('quarantines a document whose owner was not migrated, saying which', () => {
    const parsed = parseLegacy('wallets', { _id: { $oid: OID }, userId: BOT, exchange: 'Binance', apiKey: 'key-1234', apiSecret: 'secret-5678' });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(mapLegacy('wallets', parsed.doc, () => null)).toEqual({ ok: false, reason: `userId: users ${BOT} was not migrated (missing or quarantined)` });
    expect(mapLegacy('wallets', parsed.doc, resolveAll)).toMatchObject({ ok: true, row: { exchangeId: 'binance', apiKeyHint: '1234', label: 'binance wallet', createdAt: objectIdTime(OID) } });
  });

  it('derives stable RFC 9562 ids from ObjectIds, distinct per collection', () => {
    const id = legacyUuid('bots', OID);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(legacyUuid('bots', OID)).toBe(id);
    expect(legacyUuid('users', OID)).not.toBe(id);
  });

  it('writes checksum lines independent of key order (jsonb reorders keys)', () => {
    expect(stableJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(stableJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    const row = { legacyId: OID, accountId: 'a', takenAt: '2024-01-01T00:00:00.000Z', balances: [{ asset: 'BTC', free: 1, used: 0, total: 1 }] };
    const reordered = { ...row, balances: [{ total: 1, used: 0, free: 1, asset: 'BTC' }] };
    expect(checksumLine('balances', row)).toBe(checksumLine('balances', reordered));
  });

  it('computes rate and ETA from committed progress', () => {
    const p = { collection: 'trades' as const, target: 'bot_trades', state: 'copying', sourceCount: 1000, copied: 240, quarantined: 10, recopiedRanges: 0, startedAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:05.000Z', finishedAt: null };
    expect(collectionFigures(p, '2024-01-01T00:00:10.000Z')).toEqual({ done: 250, fraction: 0.25, rate: 25, etaSeconds: 30 });
  });
});
