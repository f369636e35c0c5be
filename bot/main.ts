// Bot host entry point: reads its configuration (TF_BOT_HOST_CONFIG_FILE or TF_BOT_HOST_CONFIG), starts the bots, and stops cleanly on SIGTERM/SIGINT.
import { BOT_VERSION } from './freqtrade-compat.js';
import { readFileSync } from 'node:fs';
import { CONFIG_ENV as BOT_HOST_CONFIG_ENV, CONFIG_FILE_ENV } from './host-config.js';
import { startBotHost } from './host.js';
import { createLogger } from './log.js';

/** Docker waits 10 s by default; the brief for the platform is "exit within 2 s", so give up well before. */
const SHUTDOWN_DEADLINE_MS = 1_500;

const logger = createLogger();

function fail(msg: string): never {
  logger.log('error', msg);
  process.exit(1);
}

function readConfigText(): string {
  const file = process.env[CONFIG_FILE_ENV];
  if (file) {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      return fail(`cannot read the configuration file ${file} named by ${CONFIG_FILE_ENV}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  const raw = process.env[BOT_HOST_CONFIG_ENV];
  if (!raw) fail(`neither ${CONFIG_FILE_ENV} nor ${BOT_HOST_CONFIG_ENV} is set: the bot host needs its configuration`);
  return raw;
}
const raw = readConfigText();
// Keep the credentials out of anything this process might spawn or dump later.
delete process.env[BOT_HOST_CONFIG_ENV];

let config: unknown;
try {
  config = JSON.parse(raw);
} catch {
  // The parser's message quotes part of the input, which holds secrets: say only what is wrong.
  fail(`${BOT_HOST_CONFIG_ENV} is not valid JSON`);
}

process.on('uncaughtException', (err) => fail(`uncaught exception: ${err.message}`));
process.on('unhandledRejection', (err) => fail(`unhandled rejection: ${err instanceof Error ? err.message : String(err)}`));

const host = await startBotHost(config as Parameters<typeof startBotHost>[0]).catch((err: unknown) =>
  fail(err instanceof Error ? err.message : String(err)),
);
logger.log('info', 'bot host started', { version: BOT_VERSION, bots: host.bots.size, pid: process.pid, node: process.version });

let stopping = false;
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  logger.log('info', 'stopping bot host', { signal });
  setTimeout(() => {
    logger.log('warn', 'shutdown deadline reached, exiting');
    process.exit(0);
  }, SHUTDOWN_DEADLINE_MS).unref();
  void host.close().then(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
