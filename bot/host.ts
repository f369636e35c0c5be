// The bot host: validates its config, runs N bots with one API server each, one shared market-data hub and one trading-loop ticker.
import type { Server } from 'node:http';
import type { z } from 'zod';
import type { BotHostConfig } from '../domain/bot-host-config.js';
import { listenBotApi } from './api-server.js';
import { BotRuntime } from './bot-state.js';
import { parseBotHostConfig } from './host-config.js';
import { createLogger, type LogSink } from './log.js';
import { MarketHub } from './market-data.js';

/** FreqTrade's default internals.process_throttle_secs. */
export const PROCESS_INTERVAL_MS = 5_000;

export interface BotHostOptions {
  /** Where JSON log lines go; stdout by default. */
  log?: LogSink;
  /** Milliseconds between trading-loop iterations; 0 runs the loop only when `runOnce` is called (tests). */
  processIntervalMs?: number;
  /** The clock of the trading loop and of signed exchange requests; a test clock in tests. */
  clock?: () => number;
  /** First retry delay after an exchange error (doubles per failure). */
  retryBaseMs?: number;
  /** How long one fetched ticker serves every bot of the host. */
  tickerMaxAgeMs?: number;
}

export interface BotHost {
  readonly bots: ReadonlyMap<string, BotRuntime>;
  /** One iteration of every bot's trading loop; resolves when all are done. Overlapping calls share one run. */
  runOnce(): Promise<void>;
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

  const clock = options.clock ?? Date.now;
  const logger = createLogger(options.log);
  // Every bot of this host shares one client, market list, candle feed and ticker per exchange and symbol.
  const hub = new MarketHub({ clock, retryBaseMs: options.retryBaseMs, tickerMaxAgeMs: options.tickerMaxAgeMs });
  const bots = new Map<string, BotRuntime>();
  const servers: Server[] = [];
  try {
    for (const botConfig of config.bots) {
      const botLogger = logger.child({ botId: botConfig.botId });
      const bot = new BotRuntime(botConfig, botLogger, { clock, hub, retryBaseMs: options.retryBaseMs });
      bots.set(bot.id, bot);
      servers.push(await listenBotApi(bot, config.listenHost, botLogger));
      botLogger.log('info', 'bot API listening', { host: config.listenHost, port: botConfig.apiPort, state: bot.state, trading: bot.trader !== null });
    }
  } catch (err) {
    await Promise.all(servers.map(closeServer));
    throw err;
  }

  let running: Promise<void> | null = null;
  const runOnce = (): Promise<void> => {
    // A slow exchange must not stack iterations: a tick that finds the last one still running joins it.
    running ??= Promise.allSettled([...bots.values()].map((bot) => bot.process())).then(() => {
      running = null;
    });
    return running;
  };

  // One timer for all bots keeps per-bot overhead to the bot's own state and its HTTP server.
  const interval = options.processIntervalMs ?? PROCESS_INTERVAL_MS;
  const ticker = interval > 0 ? setInterval(() => void runOnce(), interval) : null;
  ticker?.unref();
  if (ticker) void runOnce();

  let closing: Promise<void> | null = null;
  return {
    bots,
    runOnce,
    close() {
      closing ??= (async () => {
        if (ticker) clearInterval(ticker);
        await Promise.all(servers.map(closeServer));
        await running;
        logger.log('info', 'bot host stopped', { bots: bots.size });
      })();
      return closing;
    },
  };
}
