// A change of a bot's pairs: the input's rules, and when a bot's own API says it trades the new list.
import { describe, expect, it } from 'vitest';
import { commandAllowed, commandRejection } from './bot.js';
import { BotPairsInput, samePairs, tradesPairs } from './bot-pairs.js';

describe('BotPairsInput', () => {
  it('normalises pairs as a new bot does', () => {
    expect(BotPairsInput.parse({ pairs: ['sol/usdt', ' BTC/USDT '] })).toEqual({ pairs: ['SOL/USDT', 'BTC/USDT'] });
  });

  it.each([
    [{ pairs: [] }, 'pairs'],
    [{}, 'pairs'],
    [{ pairs: ['SOLUSDT'] }, 'pairs.0'],
    [{ pairs: ['BTC/USDT', 'btc/usdt'] }, 'pairs'],
    [{ pairs: Array.from({ length: 51 }, (_, i) => `C${i}/USDT`) }, 'pairs'],
    [{ pairs: ['BTC/USDT'], name: 'x' }, ''],
  ])('rejects %j naming the field %s', (input, field) => {
    const result = BotPairsInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toBe(field);
  });

  it('is a command of running and stopped bots only', () => {
    expect(commandAllowed('running', 'pairs')).toBe(true);
    expect(commandAllowed('stopped', 'pairs')).toBe(true);
    for (const status of ['provisioning', 'starting', 'stopping', 'deleting', 'failed'] as const) expect(commandAllowed(status, 'pairs')).toBe(false);
    expect(commandRejection('starting', 'pairs')).toBe('cannot change the pairs of a bot that is starting');
  });
});

describe('tradesPairs', () => {
  const list = ['BTC/USDT', 'SOL/USDT'];
  it('holds once the whitelist is the new list', () => {
    expect(tradesPairs(list, { whitelist: ['SOL/USDT', 'BTC/USDT'], blacklisted: [], openTradePairs: [] })).toBe(true);
  });
  it('does not hold while the bot still trades its old list', () => {
    expect(tradesPairs(list, { whitelist: ['BTC/USDT', 'ETH/USDT'], blacklisted: [], openTradePairs: [] })).toBe(false);
    expect(tradesPairs(list, { whitelist: ['BTC/USDT'], blacklisted: [], openTradePairs: [] })).toBe(false);
  });
  it('leaves out blacklisted pairs and allows the pair of an open trade (FreqTrade lists it while the trade is open)', () => {
    expect(tradesPairs(list, { whitelist: ['BTC/USDT'], blacklisted: ['SOL/USDT'], openTradePairs: [] })).toBe(true);
    expect(tradesPairs(list, { whitelist: ['BTC/USDT', 'SOL/USDT', 'ETH/USDT'], blacklisted: [], openTradePairs: ['ETH/USDT'] })).toBe(true);
  });
  it('compares lists in order', () => {
    expect(samePairs(['A/B', 'C/B'], ['A/B', 'C/B'])).toBe(true);
    expect(samePairs(['A/B', 'C/B'], ['C/B', 'A/B'])).toBe(false);
  });
});
