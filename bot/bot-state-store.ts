// Keeps each bot's saved state in the host's state directory: loads it when a bot starts, writes it (atomically, a
// little after every change, and when the bot stops), and sets a file it cannot use aside instead of losing it.
import { createHash } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeSnapshot, type BotSnapshot } from './bot-snapshot.js';
import type { Logger } from './log.js';

/** Environment variable naming the directory of the state files (a volume in the image: /state). */
export const STATE_DIR_ENV = 'TF_BOT_HOST_STATE_DIR';

/** A change is written at most this long after it happened. */
export const SAVE_DELAY_MS = 1_000;

/** `<dir>/<botId>.json`; a botId that is a UUID (what the platform uses) is the file name as it is. */
export const stateFileName = (botId: string): string => `${encodeURIComponent(botId)}.json`;

const codeOf = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
const digest = (text: string): string => createHash('sha1').update(text).digest('base64');

export interface BotStateStoreOptions {
  /** Without a directory nothing is read or written (bots start fresh, as before pool hosts). */
  dir?: string;
  logger: Logger;
  /** The running bot of that id, asked when its changes are written; undefined once it stopped. */
  snapshotOf(botId: string): string | undefined;
  saveDelayMs?: number;
}

export class BotStateStore {
  /** Bots changed since their last write. One host-wide timer writes them all: no timer per bot. */
  private readonly dirty = new Set<string>();
  /** Digest of the text last written per bot, so an iteration that changed nothing writes nothing. */
  private readonly written = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  /** Writes happen one at a time, in order: a bot's last word is the last file. */
  private writes: Promise<void> = Promise.resolve();
  private tmpSeq = 0;
  /** The last write error logged; a failing disk is logged once, not once per bot per second. */
  private lastError: string | null = null;
  private closed = false;

  constructor(private readonly o: BotStateStoreOptions) {}

  get enabled(): boolean {
    return this.o.dir !== undefined;
  }

  private file(botId: string): string {
    return join(this.o.dir ?? '.', stateFileName(botId));
  }

  /**
   * The state a starting bot continues from: `handoff` (the text its previous instance in this process saved), else its
   * file. A file that cannot be used is logged and renamed aside, and the bot starts fresh.
   */
  async load(botId: string, dryRun: boolean, logger: Logger, handoff?: string): Promise<BotSnapshot | undefined> {
    let text = handoff;
    if (text === undefined && this.o.dir !== undefined) {
      try {
        text = await readFile(this.file(botId), 'utf8');
      } catch (err) {
        if (codeOf(err) === 'ENOENT') return undefined;
        logger.log('warn', 'saved state unreadable; starting the bot fresh', { file: this.file(botId), error: codeOf(err) });
        await this.setAside(botId, 'unreadable', logger);
        return undefined;
      }
    }
    if (text === undefined) return undefined;
    let saved: BotSnapshot;
    try {
      saved = decodeSnapshot(text, botId);
    } catch (err) {
      logger.log('warn', 'saved state is damaged; starting the bot fresh', { file: this.file(botId), error: (err as Error).message });
      await this.setAside(botId, 'corrupt', logger);
      return undefined;
    }
    if (saved.dryRun !== dryRun) {
      // FreqTrade keeps dry-run and live trades in separate databases: a live bot must never manage simulated trades.
      const kind = saved.dryRun ? 'dry-run' : 'live';
      logger.log('warn', `saved state holds ${kind} trades but the bot is now ${dryRun ? 'dry-run' : 'live'}; starting it fresh`, { file: this.file(botId) });
      await this.setAside(botId, kind, logger);
      return undefined;
    }
    this.written.set(botId, digest(text));
    return saved;
  }

  /** Renames `<botId>.json` to `<botId>.json.<reason>-<time>`, so the next write does not overwrite what it held. */
  private async setAside(botId: string, reason: string, logger: Logger): Promise<void> {
    if (this.o.dir === undefined) return;
    const aside = `${this.file(botId)}.${reason}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await rename(this.file(botId), aside);
      logger.log('warn', 'set the unusable state file aside', { file: aside });
    } catch (err) {
      if (codeOf(err) !== 'ENOENT') logger.log('error', 'cannot set the unusable state file aside', { error: codeOf(err) });
    }
  }

  /** Marks a bot changed; the host-wide timer writes it within the save delay. */
  changed(botId: string): void {
    if (this.o.dir === undefined || this.closed) return;
    this.dirty.add(botId);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.o.saveDelayMs ?? SAVE_DELAY_MS);
    this.timer.unref();
  }

  /** Writes every changed bot that is still running (a stopping bot is written by `save`). */
  flush(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    for (const id of ids) {
      const text = this.o.snapshotOf(id);
      if (text !== undefined) void this.save(id, text);
    }
    return this.writes;
  }

  /** Queues a write of one bot's state text; resolves when it is on disk (failures are logged, not thrown). */
  save(botId: string, text: string): Promise<void> {
    if (this.o.dir === undefined) return Promise.resolve();
    this.dirty.delete(botId);
    this.writes = this.writes.then(() => this.write(botId, text));
    return this.writes;
  }

  /** Forgets a removed bot's digest (its file stays, for the platform to copy or delete). */
  forget(botId: string): void {
    this.written.delete(botId);
    this.dirty.delete(botId);
  }

  /** Atomic: a temp file (0600, synced) renamed over the old one, so a reader sees the old or the new file, never half. */
  private async write(botId: string, text: string): Promise<void> {
    const sum = digest(text);
    if (this.written.get(botId) === sum) return;
    const file = this.file(botId);
    const tmp = `${file}.${process.pid}-${++this.tmpSeq}.tmp`;
    try {
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(text, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
      this.written.set(botId, sum);
      if (this.lastError) this.o.logger.log('info', 'saving bot states works again', { botId });
      this.lastError = null;
    } catch (err) {
      if (this.lastError !== codeOf(err)) this.o.logger.log('error', 'cannot save the bot state; retrying', { botId, error: codeOf(err) });
      this.lastError = codeOf(err);
      await unlink(tmp).catch(() => undefined);
      this.changed(botId);
    }
  }

  /** Stops the timer and writes what is still marked changed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}
