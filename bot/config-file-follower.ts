// Follows the host's config file while it runs: reads it every poll, and applies it to the host whenever its content changes.
// Polling on a content hash, not fs.watch: Docker's putArchive extracts a tar over the file, which inotify reports
// unreliably, and a tar may carry the same mtime and size for a different content.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { BotHost } from './host.js';
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

export interface ConfigFollower {
  /** One poll now (tests); resolves when its apply, if any, is done. */
  poll(): Promise<void>;
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

  const poll = (): Promise<void> => {
    polling ??= pollOnce().finally(() => {
      polling = null;
    });
    return polling;
  };
  const timer = setInterval(() => void poll(), opts.intervalMs ?? CONFIG_POLL_MS);
  timer.unref();
  return { poll, stop: () => clearInterval(timer) };
}
