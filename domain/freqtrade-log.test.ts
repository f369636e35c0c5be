import { describe, expect, it } from 'vitest';
import { exchangeUnreachable, freqtradeErrorLine, MAX_ERROR_CHARS } from './freqtrade-log.js';

describe('freqtradeErrorLine', () => {
  it("takes FreqTrade's last logged error, without its time and logger, with secrets masked", () => {
    const log = [
      '2026-12-06 21:00:00,001 - freqtrade - INFO - freqtrade 2026.9',
      '2026-12-06 21:00:01,002 - freqtrade.exchange - ERROR - first problem',
      '2026-12-06 21:00:02,003 - freqtrade - ERROR - Invalid API key s3cr3t-key for the exchange',
      '2026-12-06 21:00:03,004 - freqtrade - INFO - shutting down',
    ].join('\n');
    expect(freqtradeErrorLine(log, ['s3cr3t-key', ''])).toBe('Invalid API key *** for the exchange');
  });

  it("falls back to a traceback's last line, and says nothing when there is no error", () => {
    expect(freqtradeErrorLine('Traceback (most recent call last):\n  File "x.py", line 1\nRuntimeError: refuses to start\n')).toBe('RuntimeError: refuses to start');
    expect(freqtradeErrorLine('2026-12-06 21:00:00,001 - freqtrade - INFO - all good\n')).toBeNull();
    const fatal = '2026-12-06 21:00:00,001 - freqtrade - ERROR - Fatal exception!\nTraceback (most recent call last):\n  File "s.py", line 9\nRuntimeError: tf-test: refuses\n';
    expect(freqtradeErrorLine(fatal)).toBe('RuntimeError: tf-test: refuses');
    expect(freqtradeErrorLine(`2026 - f - CRITICAL - ${'x'.repeat(1000)}`)!.length).toBe(MAX_ERROR_CHARS);
  });
});

describe('exchangeUnreachable', () => {
  it("tells an exchange that did not answer (worth waiting on) from the bot's own error (fails at once)", () => {
    expect(exchangeUnreachable('exited with code 2 at 2026-12-07T02:44:13Z: Could not load markets, therefore cannot start. Please investigate the above warning for more details.')).toBe(true);
    expect(exchangeUnreachable('Could not get balance due to ExchangeNotAvailable. Message: binance GET http://127.0.0.1:8090/api/v3/account 503')).toBe(true);
    expect(exchangeUnreachable('Could not fetch exchange time due to RequestTimeout. Message: timed out')).toBe(true);
    expect(exchangeUnreachable('RuntimeError: tf-test: this strategy refuses to start')).toBe(false);
    expect(exchangeUnreachable('Invalid API-key, IP, or permissions for action.')).toBe(false);
    expect(exchangeUnreachable('Could not get balance due to AuthenticationError. Message: invalid key')).toBe(false);
    expect(exchangeUnreachable(null)).toBe(false);
  });
});
