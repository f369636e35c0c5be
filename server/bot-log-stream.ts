// A bot's log as a live Server-Sent Events stream: its latest lines at once, then each line the bot writes, read from
// the bot's FreqTrade /logs (the log API every engine has) about once a second while the client stays. The bot's own
// secrets (its API password and JWT secret, its exchange key) are masked in every line, here and in GET .../logs.
import type { Request, Response } from 'express';
import type { LogLines } from '../domain/bot-views.js';
import { openEventStream } from './sse.js';

/** How often a stream asks the bot for new lines. */
export const LOG_POLL_MS = 1000;
/** Lines sent when a stream opens (`log-backlog`), and read per poll. */
const BACKLOG = 200;
const READ = 100;
export const maskSecrets = (lines: LogLines, secrets: readonly string[]): LogLines => {
  const mask = (text: string) => secrets.reduce((t, s) => t.split(s).join('***'), text);
  return secrets.length ? lines.map((l) => ({ ...l, logger: mask(l.logger), message: mask(l.message) })) : lines;
};

type LogLine = LogLines[number];

const keyOf = (l: LogLine): string => `${l.time}\u0000${l.level}\u0000${l.logger}\u0000${l.message}`;

/** What a stream has sent: the latest time, and the lines of that time (a bot writes several in one millisecond). */
export interface LogCursor {
  lastTime: number;
  atLast: Set<string>;
}

/** The lines of `read` (oldest first) not sent yet; moves the cursor past them. */
export function takeNewLines(read: LogLines, cursor: LogCursor): LogLines {
  const fresh = read.filter((l) => l.time > cursor.lastTime || (l.time === cursor.lastTime && !cursor.atLast.has(keyOf(l))));
  for (const l of fresh) {
    if (l.time > cursor.lastTime) {
      cursor.lastTime = l.time;
      cursor.atLast = new Set();
    }
    cursor.atLast.add(keyOf(l));
  }
  return fresh;
}

/**
 * Streams `read` (the bot's latest `limit` lines, masked) as `log-backlog` once, then `logs` with each poll's new lines;
 * `log-error` once per streak of failed reads. Polling stops when the client goes away.
 */
export function streamBotLog(req: Request, res: Response, read: (limit: number) => Promise<LogLines>, options: { heartbeatMs: number; pollMs?: number }): void {
  const stream = openEventStream(req, res, options.heartbeatMs);
  const cursor: LogCursor = { lastTime: -Infinity, atLast: new Set() };
  let backlogSent = false;
  let failing = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  async function poll(): Promise<void> {
    try {
      const lines = await read(backlogSent ? READ : BACKLOG);
      if (closed) return;
      const fresh = takeNewLines(lines, cursor);
      if (!backlogSent) stream.send('log-backlog', fresh);
      else if (fresh.length) stream.send('logs', fresh);
      backlogSent = true;
      failing = false;
    } catch (error) {
      if (closed) return;
      if (!failing) stream.send('log-error', { message: (error as Error).message });
      failing = true;
    }
    if (!closed) timer = setTimeout(() => void poll(), options.pollMs ?? LOG_POLL_MS);
  }

  void poll();
  stream.onClose(() => {
    closed = true;
    clearTimeout(timer);
  });
}
