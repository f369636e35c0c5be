// Bot host entry point: reads its configuration (TF_BOT_HOST_CONFIG_FILE, followed for changes while it runs, or
// TF_BOT_HOST_CONFIG), runs the bots with their state saved under TF_BOT_HOST_STATE_DIR, and stops cleanly on SIGTERM/SIGINT.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { STATE_DIR_ENV } from './bot-state-store.js';
import { followConfigFile, type ConfigFollower } from './config-file-follower.js';
import { CONTROL_SOCKET_ENV, serveHostControl } from './host-control.js';
import { BOT_VERSION } from './freqtrade-compat.js';
import { CONFIG_ENV as BOT_HOST_CONFIG_ENV, CONFIG_FILE_ENV } from './host-config.js';
import { createBotHost, startBotHost, validateHostConfig, type BotHost } from './host.js';
import { hostMetricsReport } from './host-metrics.js';
import { createLogger } from './log.js';

/** Docker waits 10 s by default; the brief for the platform is "exit within 2 s", so give up well before. */
const SHUTDOWN_DEADLINE_MS = 1_500;

const logger = createLogger();

function fail(msg: string): never {
  logger.log('error', msg);
  process.exit(1);
}

const errorCode = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? 'error';
const file = process.env[CONFIG_FILE_ENV] || undefined;
const stateDir = process.env[STATE_DIR_ENV] || undefined;

function readConfigText(): string {
  if (file) {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      return fail(`cannot read the configuration file ${file} named by ${CONFIG_FILE_ENV}: ${errorCode(err)}`);
    }
  }
  const raw = process.env[BOT_HOST_CONFIG_ENV];
  if (!raw) fail(`neither ${CONFIG_FILE_ENV} nor ${BOT_HOST_CONFIG_ENV} is set: the bot host needs its configuration`);
  return raw;
}
const raw = readConfigText();
// Keep the credentials out of anything this process might spawn or dump later.
delete process.env[BOT_HOST_CONFIG_ENV];

let input: unknown;
try {
  input = JSON.parse(raw);
} catch {
  // The parser's message quotes part of the input, which holds secrets: say only what is wrong.
  fail(`${file ? `the configuration file ${file}` : BOT_HOST_CONFIG_ENV} is not valid JSON`);
}
let config: ReturnType<typeof validateHostConfig>;
try {
  config = validateHostConfig(input);
} catch (err) {
  fail((err as Error).message);
}

if (stateDir) {
  // Bots that silently lose their trades on the next restart are worse than a host that refuses to start.
  try {
    if (!statSync(stateDir).isDirectory()) fail(`${STATE_DIR_ENV}=${stateDir} is not a directory`);
    accessSync(stateDir, constants.W_OK);
  } catch (err) {
    fail(`${STATE_DIR_ENV}=${stateDir} is not a writable directory (${errorCode(err)}): mount a volume the bot user (uid 1000) can write`);
  }
}

process.on('uncaughtException', (err) => fail(`uncaught exception: ${err.message}`));
process.on('unhandledRejection', (err) => fail(`unhandled rejection: ${err instanceof Error ? err.message : String(err)}`));

let host: BotHost;
let follower: ConfigFollower | null = null;
if (file) {
  // A pool host keeps running when one of its bots cannot start (another process holds its port, say): the others are
  // other users' bots. The follower applies every new version of the file, and retries the bots that failed.
  host = createBotHost({ stateDir });
  const result = await host.apply(config);
  follower = followConfigFile(host, file, logger, { appliedText: raw, appliedComplete: result.failed.length === 0 });
  const controlSocket = process.env[CONTROL_SOCKET_ENV];
  if (controlSocket) {
    // Without it the platform writes the file through the engine instead, which the follower picks up as before.
    await serveHostControl(controlSocket, follower, logger, () => hostMetricsReport(host)).catch((err: unknown) => {
      logger.log('error', 'control socket could not start; bot lists arrive as files only', { error: err instanceof Error ? err.message : String(err) });
    });
  }
} else {
  host = await startBotHost(config, { stateDir }).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}
// A pool host with no bots has no server holding the event loop open; it must still wait for its first bots.
const keepAlive = setInterval(() => undefined, 1 << 30);
logger.log('info', 'bot host started', {
  version: BOT_VERSION, bots: host.bots.size, pid: process.pid, node: process.version, configFile: file ?? null, stateDir: stateDir ?? null,
});

let stopping = false;
function shutdown(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  logger.log('info', 'stopping bot host', { signal });
  setTimeout(() => {
    logger.log('warn', 'shutdown deadline reached, exiting');
    process.exit(0);
  }, SHUTDOWN_DEADLINE_MS).unref();
  follower?.stop();
  clearInterval(keepAlive);
  void host.close().then(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
