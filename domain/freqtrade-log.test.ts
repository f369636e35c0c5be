import { describe, expect, it } from 'vitest';
import { freqtradeErrorLine, MAX_ERROR_CHARS } from './freqtrade-log.js';

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
