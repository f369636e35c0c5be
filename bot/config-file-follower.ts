// Follows the host's config file while it runs: reads it every poll, and applies it to the host whenever its content changes.
// Polling on a content hash, not fs.watch: Docker's putArchive extracts a tar over the file, which inotify reports
// unreliably, and a tar may carry the same mtime and size for a different content.
// A config can also be pushed (bot/host-control.ts): the follower writes it to the file first (atomically, so a restart
// runs it too), then applies it, in the same queue as its polls, so a push and a poll never apply out of order.
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { validateHostConfig, type ApplyResult, type BotHost } from './host.js';
import type { Logger } from './log.js';

/** How often the file is read (about 2 KB per bot, hashed: well under a millisecond): a bot placed in the container starts within this. */
export const CONFIG_POLL_MS = 100;
/** While some bots of the last config failed to start (a port taken, say), the config is applied again this often. */
export const RETRY_FAILED_MS = 5_000;

export interface ConfigFollowerOptions {
  intervalMs?: number;
  retryFailedMs?: number;
  /** The text the host already runs (read at startup), so the first poll does not apply it again. */
  appliedText?: string;
  /** Whether the bots of `appliedText` all started; if not, they are retried. */
  appliedComplete?: boolean;
}

export type PushResult = { ok: true; result: ApplyResult | null } | { ok: false; error: string };

export interface ConfigFollower {
  /** One poll now (tests); resolves when its apply, if any, is done. */
  poll(): Promise<void>;
  /**
   * Saves `text` as the config file and applies it, after any poll or push in progress. `result` is null when the file
   * already held this text and every bot of it started (nothing to do). Refused text (not JSON, an invalid config)
   * changes nothing; its error names paths and rules, never values.
   */
  push(text: string): Promise<PushResult>;
  stop(): void;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? 'error';

export function followConfigFile(host: BotHost, file: string, logger: Logger, opts: ConfigFollowerOptions = {}): ConfigFollower {
  let lastHash = opts.appliedText === undefined ? null : sha256(opts.appliedText);
  let retryAt = opts.appliedComplete === false ? Date.now() + (opts.retryFailedMs ?? RETRY_FAILED_MS) : null;
  let readError: string | null = null;
  let polling: Promise<void> | null = null;

  async function pollOnce(): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      // The file may be missing for a moment while a new one is extracted over it; say so once per streak.
      if (readError !== codeOf(err)) logger.log('warn', 'cannot read the configuration file; keeping the current bots', { file, error: codeOf(err) });
      readError = codeOf(err);
      return;
    }
    readError = null;
    const hash = sha256(text);
    const retry = retryAt !== null && Date.now() >= retryAt;
    if (hash === lastHash && !retry) return;
    lastHash = hash;
    retryAt = null;
    let config: unknown;
    try {
      config = JSON.parse(text);
    } catch {
      // Never the parser's message: it quotes the file, which holds secrets. A half-written file changes again soon.
      logger.log('warn', 'the configuration file is not valid JSON (perhaps still being written); keeping the current bots', { file });
      return;
    }
    try {
      const r = await host.apply(config as Parameters<BotHost['apply']>[0]);
      if (r.added.length || r.removed.length || r.restarted.length || r.failed.length) {
        logger.log('info', 'configuration applied', {
          file, bots: host.bots.size, added: r.added.length, removed: r.removed.length, restarted: r.restarted.length, failed: r.failed.length,
        });
      }
      if (r.failed.length) retryAt = Date.now() + (opts.retryFailedMs ?? RETRY_FAILED_MS);
    } catch (err) {
      // The validator's messages name paths and rules, never values.
      logger.log('error', 'the configuration file was refused; keeping the current bots', { file, error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Polls and pushes run one at a time, in the order they were asked for. */
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job);
    queue = run.catch(() => undefined);
    return run;
  };

  async function pushOnce(text: string): Promise<PushResult> {
    let config: unknown;
    try {
      config = validateHostConfig(JSON.parse(text));
    } catch (err) {
      // Never the parser's message: it quotes the text, which holds secrets. The validator names paths, never values.
      return { ok: false, error: err instanceof SyntaxError ? 'the configuration is not valid JSON' : (err as Error).message };
    }
    const hash = sha256(text);
    if (hash === lastHash && retryAt === null) return { ok: true, result: null };
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, file);
    lastHash = hash;
    retryAt = null;
    const r = await host.apply(config as Parameters<BotHost['apply']>[0]);
    if (r.added.length || r.removed.length || r.restarted.length || r.failed.length) {
      logger.log('info', 'configuration pushed and applied', {
        file, bots: host.bots.size, added: r.added.length, removed: r.removed.length, restarted: r.restarted.length, failed: r.failed.length,
      });
    }
    if (r.failed.length) retryAt = Date.now() + (opts.retryFailedMs ?? RETRY_FAILED_MS);
    return { ok: true, result: r };
  }

  const poll = (): Promise<void> => {
    // A poll asked for while one waits in the queue joins it.
    polling ??= enqueue(pollOnce).finally(() => {
      polling = null;
    });
    return polling;
  };
  const timer = setInterval(() => void poll(), opts.intervalMs ?? CONFIG_POLL_MS);
  timer.unref();
  return { poll, push: (text) => enqueue(() => pushOnce(text)), stop: () => clearInterval(timer) };
}
