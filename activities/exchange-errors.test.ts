// ccxt errors become the right activity failures: a rejected key is final, a throttled call waits for Retry-After, nothing leaks.
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { exchangeFailure, retryAfterMs, safeExchangeMessage } from './exchange-errors.js';

const secrets = ['KEY0123456789abcdef', 'SECRETxyz987654321'];

describe('exchange failures', () => {
  it('makes a rejected key (or its signature) final, with a message the user can act on', () => {
    for (const error of [new ccxt.AuthenticationError('binance {"code":-2015}'), new ccxt.PermissionDenied('binance -2015')]) {
      const failure = exchangeFailure(error, undefined, secrets);
      expect(failure).toMatchObject({ type: 'InvalidCredentials', nonRetryable: true });
      expect(failure.message).toMatch(/^the exchange rejected this API key\/secret: /);
    }
  });

  it('retries an unreachable or failing exchange', () => {
    for (const error of [new ccxt.NetworkError('x'), new ccxt.ExchangeNotAvailable('503'), new ccxt.RequestTimeout('t'), new ccxt.OperationFailed('-1000')]) {
      expect(exchangeFailure(error, undefined, secrets)).toMatchObject({ type: 'ExchangeUnavailable', nonRetryable: false });
    }
    expect(exchangeFailure(new Error('odd'), undefined, secrets)).toMatchObject({ type: 'ExchangeError', nonRetryable: false });
  });

  it("waits for the exchange's Retry-After when rate limited", () => {
    const client = { last_response_headers: { 'Retry-After': '7' } } as never;
    for (const error of [new ccxt.RateLimitExceeded('429'), new ccxt.DDoSProtection('429')]) {
      const failure = exchangeFailure(error, client, secrets);
      expect(failure).toMatchObject({ type: 'ExchangeRateLimited', nonRetryable: false, nextRetryDelay: 7000 });
    }
    expect(exchangeFailure(new ccxt.RateLimitExceeded('429'), undefined, secrets).nextRetryDelay).toBeUndefined();
  });

  it('reads Retry-After as seconds or a date, and caps it', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ 'Retry-After': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'Retry-After': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'Retry-After': '86400' }, now)).toBe(300_000);
    expect(retryAfterMs({ 'Retry-After': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('strips signed query strings and blanks the key and secret from messages', () => {
    const error = new ccxt.ExchangeNotAvailable(
      `binance GET http://127.0.0.1:8090/api/v3/account?timestamp=1&recvWindow=10000&signature=abc123 503 Service Unavailable key ${secrets[0]} secret ${secrets[1]}`,
    );
    const message = safeExchangeMessage(error, secrets);
    expect(message).toBe('binance GET http://127.0.0.1:8090/api/v3/account 503 Service Unavailable key [redacted] secret [redacted]');
    expect(safeExchangeMessage(new Error('x'.repeat(2000)), []).length).toBeLessThanOrEqual(501);
  });
});
