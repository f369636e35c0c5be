// Turns ccxt errors into activity failures: a rejected key is final, an unreachable or throttling exchange is retried.
import ccxt, { type Exchange } from 'ccxt';
import { ApplicationFailure } from '@temporalio/common';
import { recordExchangeError } from '../telemetry/worker-metrics.js';

/** Failure types workflows and the API branch on. */
export const ExchangeFailureType = {
  invalidCredentials: 'InvalidCredentials',
  unavailable: 'ExchangeUnavailable',
  rateLimited: 'ExchangeRateLimited',
  error: 'ExchangeError',
} as const;

export const REJECTED_KEY_MESSAGE = 'the exchange rejected this API key/secret';

const MAX_MESSAGE = 500;

/**
 * The error's message without anything secret: ccxt puts request URLs in messages, and a signed URL carries the
 * signature in its query string, so query strings go; the key and secret are blanked wherever they appear.
 */
export function safeExchangeMessage(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  let message = error instanceof Error ? error.message : String(error);
  message = message.replace(/(https?:\/\/[^\s?"]+)\?[^\s"]*/g, '$1');
  for (const secret of secrets) if (secret && secret.length >= 4) message = message.split(secret).join('[redacted]');
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}

/** Seconds from a Retry-After header (delta seconds or an HTTP date), capped so a bad header cannot park a sync for hours. */
export function retryAfterMs(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  const value = headers?.['Retry-After'] ?? headers?.['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(ms, 5 * 60_000);
}

/** The activity failure for an error from a ccxt call made with `client`. */
export function exchangeFailure(error: unknown, client: Exchange | undefined, secrets: readonly (string | undefined)[]): ApplicationFailure {
  const message = safeExchangeMessage(error, secrets);
  recordExchangeError(client?.id ?? 'unknown', error);
  if (error instanceof ccxt.AuthenticationError) {
    return ApplicationFailure.create({ type: ExchangeFailureType.invalidCredentials, message: `${REJECTED_KEY_MESSAGE}: ${message}`, nonRetryable: true });
  }
  if (error instanceof ccxt.RateLimitExceeded || error instanceof ccxt.DDoSProtection) {
    // Honour the exchange's Retry-After: the next attempt waits that long instead of the policy's backoff.
    const delay = retryAfterMs(client?.last_response_headers as Record<string, string> | undefined);
    return ApplicationFailure.create({
      type: ExchangeFailureType.rateLimited,
      message: `the exchange is rate limiting us: ${message}`,
      ...(delay ? { nextRetryDelay: delay } : {}),
    });
  }
  if (error instanceof ccxt.NetworkError || error instanceof ccxt.OperationFailed) {
    return ApplicationFailure.create({ type: ExchangeFailureType.unavailable, message: `the exchange is not answering properly: ${message}` });
  }
  return ApplicationFailure.create({ type: ExchangeFailureType.error, message: `the exchange call failed: ${message}` });
}
