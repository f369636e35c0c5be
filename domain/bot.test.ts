// Bot input validation and the command rules every client meets.
import { describe, expect, it } from 'vitest';
import { CreateBotInput, commandAllowed, commandRejection } from './bot.js';

const valid = { name: 'alpha', pairs: ['btc/usdt', 'ETH/USDT'], stakeAmount: 50 };

describe('CreateBotInput', () => {
  it('fills defaults and normalises pairs', () => {
    expect(CreateBotInput.parse(valid)).toEqual({
      name: 'alpha', exchange: 'paper', pairs: ['BTC/USDT', 'ETH/USDT'], stakeAmount: 50, stakeCurrency: 'USDT', dryRun: true, engine: 'builtin',
    });
  });

  it.each([
    [{ ...valid, name: '' }, 'name'],
    [{ ...valid, pairs: [] }, 'pairs'],
    [{ ...valid, pairs: ['BTCUSDT'] }, 'pairs.0'],
    [{ ...valid, pairs: ['BTC/USDT', 'BTC/USDT'] }, 'pairs'],
    [{ ...valid, pairs: ['BTC/EUR'] }, 'pairs.0'],
    [{ ...valid, stakeAmount: 0 }, 'stakeAmount'],
    [{ ...valid, stakeAmount: '10' }, 'stakeAmount'],
    [{ ...valid, exchange: 'binance' }, 'exchange'],
    [{ ...valid, dryRun: false }, 'exchangeAccountId'],
    [{ ...valid, extra: 1 }, ''],
  ])('rejects %j naming the field %s', (input, field) => {
    const result = CreateBotInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toBe(field);
  });
});

describe('bot commands', () => {
  it('allows only the transitions that make sense', () => {
    expect(commandAllowed('running', 'stop')).toBe(true);
    expect(commandAllowed('stopped', 'start')).toBe(true);
    expect(commandAllowed('failed', 'delete')).toBe(true);
    expect(commandAllowed('provisioning', 'delete')).toBe(false);
    expect(commandRejection('stopped', 'stop')).toBe('cannot stop a bot that is stopped');
  });
});
