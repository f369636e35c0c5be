// JSON-line logging for the bot host (pino, LOG_LEVEL honoured), plus the small per-bot ring buffer that FreqTrade's /logs route serves.
import { pino, type Logger as Pino } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;
/** Where finished log lines go (stdout in production, a collector in tests). */
export type LogSink = (line: string) => void;

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export const stdoutSink: LogSink = (line) => {
  process.stdout.write(line);
};

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
/** LOG_LEVEL from the host's environment (the platform passes its own), `info` when unset or unknown. */
export const hostLogLevel = (env: NodeJS.ProcessEnv = process.env): string => (LEVELS.has(env['LOG_LEVEL'] ?? '') ? env['LOG_LEVEL']! : 'info');

/** Never pass secrets in `fields`: every field ends up in the container log. */
export function createLogger(sink: LogSink = stdoutSink, base: LogFields = {}, level = hostLogLevel()): Logger {
  const root = pino(
    { level, base: { service: 'bot-host' }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label) => ({ level: label }) } },
    { write: sink },
  );
  return wrap(Object.keys(base).length ? root.child(base) : root);
}

function wrap(p: Pino): Logger {
  return {
    log(level, msg, fields) {
      if (fields) p[level](fields, msg);
      else p[level](msg);
    },
    child(fields) {
      return wrap(p.child(fields));
    },
  };
}

const PY_LEVEL: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };

/** One /logs entry as FreqTrade emits it: [formatted UTC date, epoch ms, logger name, level, message]. */
export type FreqtradeLogEntry = [string, number, string, string, string];

/**
 * Keeps the last `capacity` log records of one bot for GET /logs. FreqTrade keeps 1,000 per process;
 * a pooled host keeps far fewer per bot so fifty bots stay cheap.
 */
export class LogRing {
  private readonly entries: FreqtradeLogEntry[] = [];

  constructor(private readonly capacity = 100) {}

  push(level: LogLevel, loggerName: string, msg: string, at = new Date()): void {
    this.entries.push([formatDate(at), at.getTime(), loggerName, PY_LEVEL[level], msg]);
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  last(limit?: number): FreqtradeLogEntry[] {
    return limit ? this.entries.slice(-limit) : this.entries.slice();
  }
}

/** FreqTrade's DATETIME_PRINT_FORMAT ("%Y-%m-%d %H:%M:%S") in UTC. */
export function formatDate(d: Date | null | undefined): string {
  if (!d) return '';
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
