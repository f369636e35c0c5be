// Reading FreqTrade's own log: the line that says why a bot did not start, for its owner, with its secrets masked.

/** The longest error a user is shown (FreqTrade's tracebacks can be long; their last line says what went wrong). */
export const MAX_ERROR_CHARS = 300;

const LOGGED = / - (ERROR|CRITICAL) - /;
/** A traceback's last line: `SomeError: message` (FreqTrade logs `Fatal exception!`, then the traceback says what). */
const RAISED = /^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b.*:/;

/**
 * The last error in FreqTrade's log: a logged one (`<time> - <logger> - ERROR|CRITICAL - <message>`, without its time
 * and logger) or a traceback's last line, whichever came last, with every secret replaced by `***`; null when none.
 */
export function freqtradeErrorLine(log: string, secrets: readonly string[] = []): string | null {
  const found = log.split('\n').map((l) => l.trimEnd()).reverse().find((l) => LOGGED.test(l) || RAISED.test(l));
  const line = found?.replace(/^.* - (ERROR|CRITICAL) - /, '');
  if (!line) return null;
  let message = line;
  for (const secret of secrets) if (secret) message = message.split(secret).join('***');
  return message.slice(0, MAX_ERROR_CHARS);
}

/** A FreqTrade start that fails again and again: restarted this often since the health wait began, the bot fails. */
export const START_RESTARTS_FAIL = 2;

/**
 * FreqTrade stopped because it could not reach its exchange: its markets did not load, or a call failed with one of
 * ccxt's network-class errors (FreqTrade's `… due to ExchangeNotAvailable. Message: …`). That is the exchange's outage,
 * not the bot's fault: restarted once the exchange answers again, the same bot starts.
 */
const EXCHANGE_UNREACHABLE = /Could not load markets|due to (NetworkError|DDoSProtection|RateLimitExceeded|ExchangeNotAvailable|OnMaintenance|RequestTimeout)\b/;
export const exchangeUnreachable = (reason: string | null): boolean => reason !== null && EXCHANGE_UNREACHABLE.test(reason);

/** What a bot's owner reads when its FreqTrade keeps exiting while it starts: how often, where, and FreqTrade's reason. */
export const startFailureMessage = (restarts: number, where: 'container' | 'pool', reason: string | null): string =>
  `FreqTrade exited ${restarts} times while starting${where === 'pool' ? ' in its pool container' : ''}${reason ? `: ${reason}` : ''}`;
