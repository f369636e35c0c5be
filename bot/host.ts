// The bot host: validates its config, runs N bots with one API server each and one shared trading-loop ticker.
import type { Server } from 'node:http';
import type { z } from 'zod';
import type { BotHostConfig } from '../domain/bot-host-config.js';
import { listenBotApi } from './api-server.js';
import { BotRuntime } from './bot-state.js';
import { parseBotHostConfig } from './host-config.js';
import { createLogger, type LogSink } from './log.js';

/** FreqTrade's default internals.process_throttle_secs. */
export const PROCESS_INTERVAL_MS = 5_000;

export interface BotHostOptions {
  /** Where JSON log lines go; stdout by default. */
  log?: LogSink;
  processIntervalMs?: number;
}

export interface BotHost {
  readonly bots: ReadonlyMap<string, BotRuntime>;
  /** Stops the ticker and every API server, dropping open keep-alive connections. Safe to call twice. */
  close(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startBotHost(input: z.input<typeof BotHostConfig>, options: BotHostOptions = {}): Promise<BotHost> {
  const parsed = parseBotHostConfig(input);
  if (!parsed.success) throw new Error(`invalid bot host config: ${parsed.issues.join('; ')}`);
  const config = parsed.data;
  const ids = config.bots.map((b) => b.botId);
  const ports = config.bots.map((b) => b.apiPort);
  if (new Set(ids).size !== ids.length) throw new Error('invalid bot host config: botId values must be unique');
  if (new Set(ports).size !== ports.length) throw new Error('invalid bot host config: apiPort values must be unique');

  const logger = createLogger(options.log);
  const bots = new Map<string, BotRuntime>();
  const servers: Server[] = [];
  try {
    for (const botConfig of config.bots) {
      const botLogger = logger.child({ botId: botConfig.botId });
      const bot = new BotRuntime(botConfig, botLogger);
      bots.set(bot.id, bot);
      servers.push(await listenBotApi(bot, config.listenHost, botLogger));
      botLogger.log('info', 'bot API listening', { host: config.listenHost, port: botConfig.apiPort, state: bot.state });
    }
  } catch (err) {
    await Promise.all(servers.map(closeServer));
    throw err;
  }

  // One timer for all bots keeps per-bot overhead to the bot's own state and its HTTP server.
  const tick = (): void => {
    const now = new Date();
    for (const bot of bots.values()) bot.process(now);
  };
  tick();
  const ticker = setInterval(tick, options.processIntervalMs ?? PROCESS_INTERVAL_MS);
  ticker.unref();

  let closing: Promise<void> | null = null;
  return {
    bots,
    close() {
      closing ??= (async () => {
        clearInterval(ticker);
        await Promise.all(servers.map(closeServer));
        logger.log('info', 'bot host stopped', { bots: bots.size });
      })();
      return closing;
    },
  };
}
