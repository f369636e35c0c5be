// Bot runtimes as detached local processes, for machines without a Docker engine; found again by pid file + cmdline.
import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BOT_HOST_CONFIG_FILE_ENV } from '../domain/bot-host-config.js';
import type { BotRuntimeDriver, RuntimeState } from './runtime-driver.js';

export interface ProcessRuntimeOptions {
  /** Folder holding one sub-folder per bot (config, pid file, log). */
  dataDir: string;
  /** The bundled bot host script. */
  hostScript: string;
  nodeBinary?: string;
  /** The bot hosts' LOG_LEVEL (info when absent). */
  logLevel?: string;
}

export function createProcessRuntime(options: ProcessRuntimeOptions): BotRuntimeDriver {
  const dirOf = (botId: string) => path.join(options.dataDir, botId);
  const marker = (botId: string) => `--tf-bot=${botId}`;

  async function livePid(botId: string): Promise<number | null> {
    const pid = Number(await readFile(path.join(dirOf(botId), 'pid'), 'utf8').catch(() => ''));
    if (!Number.isInteger(pid) || pid <= 0) return null;
    // The pid may have been reused by another program: only a process carrying this bot's marker counts.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return cmdline.split('\0').includes(marker(botId)) ? pid : null;
  }

  return {
    kind: 'process',
    async ensureCreated(spec) {
      await mkdir(dirOf(spec.botId), { recursive: true, mode: 0o700 });
      await writeFile(path.join(dirOf(spec.botId), 'config.json'), JSON.stringify(spec.host), { mode: 0o600 });
      return `process:${spec.botId}`;
    },
    async start(botId) {
      if (await livePid(botId)) return;
      const configFile = path.join(dirOf(botId), 'config.json');
      const config = await readFile(configFile, 'utf8').catch(() => null);
      if (config === null) throw new Error(`no runtime for bot ${botId}: it was never created or was removed`);
      const log = await open(path.join(dirOf(botId), 'bot.log'), 'a', 0o600);
      // Same V8 flags as the bot image: the host mostly waits on the network, so small heaps and no optimizing JIT.
      const child = spawn(options.nodeBinary ?? process.execPath, ['--disable-optimizing-compilers', '--max-semi-space-size=1', options.hostScript, marker(botId)], {
        detached: true,
        stdio: ['ignore', log.fd, log.fd],
        env: { PATH: process.env.PATH ?? '', [BOT_HOST_CONFIG_FILE_ENV]: configFile, ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}) },
      });
      await log.close();
      if (!child.pid) throw new Error(`could not start the bot host process for bot ${botId}`);
      await writeFile(path.join(dirOf(botId), 'pid'), String(child.pid), { mode: 0o600 });
      child.unref();
    },
    async stop(botId) {
      const pid = await livePid(botId);
      if (!pid) return;
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 50 && (await livePid(botId)); i++) await sleep(100);
      if (await livePid(botId)) process.kill(pid, 'SIGKILL');
    },
    async remove(botId) {
      await this.stop(botId);
      await rm(dirOf(botId), { recursive: true, force: true });
    },
    async inspect(botId): Promise<RuntimeState> {
      const exists = await readFile(path.join(dirOf(botId), 'config.json'), 'utf8').then(() => true, () => false);
      const pid = exists ? await livePid(botId) : null;
      return { exists, running: pid !== null, runtimeId: exists ? `process:${botId}` : undefined };
    },
  };
}
