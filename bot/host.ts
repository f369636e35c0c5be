// The bot host: a pool of bots, each with its own API server, whose set changes at runtime (`apply`), sharing one market-data
// hub and one trading-loop ticker, and saving each bot's state so it survives restarts and moves.
import type { Server } from 'node:http';
import type { z } from 'zod';
import type { BotHostConfig, HostedBotConfig } from '../domain/bot-host-config.js';
import { botApiSocketName, EGRESS_SOCKET } from '../domain/bot-channel.js';
import { listenAddressText, listenBotApi, retireBotApi, type ApiListenAddress } from './api-server.js';
import { BotRuntime } from './bot-state.js';
import { encodeSnapshot } from './bot-snapshot.js';
import { startEgressForwarder, type EgressForwarder } from './egress-forwarder.js';
import { BotStateStore } from './bot-state-store.js';
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
  /** Directory of the bots' state files (`<botId>.json`); without one, bots start fresh on every host start. */
  stateDir?: string;
  /** A bot's change is saved at most this long after it happened (default 1 s). */
  stateSaveDelayMs?: number;
}

/** What an `apply` did, by botId. A bot that failed to start is not running; applying the config again retries it. */
export interface ApplyResult {
  added: string[];
  removed: string[];
  restarted: string[];
  failed: { botId: string; error: string }[];
}

export interface BotHost {
  readonly bots: ReadonlyMap<string, BotRuntime>;
  /**
   * Makes the running bots those of `config`: stops the bots it no longer lists, starts the new ones, restarts those
   * whose config changed (keeping their trades). An invalid config throws and changes nothing. Calls run one at a time.
   */
  apply(config: z.input<typeof BotHostConfig>): Promise<ApplyResult>;
  /** One iteration of every bot's trading loop; resolves when all are done. Overlapping calls share one run. */
  runOnce(): Promise<void>;
  /** Stops the ticker and every bot (saving its state), dropping open keep-alive connections. Safe to call twice. */
  close(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Parses and checks a whole host config; throws (naming paths and rules, never values) when any part is wrong. */
export function validateHostConfig(input: unknown): BotHostConfig {
  const parsed = parseBotHostConfig(input);
  if (!parsed.success) throw new Error(`invalid bot host config: ${parsed.issues.join('; ')}`);
  const ids = parsed.data.bots.map((b) => b.botId);
  const ports = parsed.data.bots.map((b) => b.apiPort);
  if (new Set(ids).size !== ids.length) throw new Error('invalid bot host config: botId values must be unique');
  if (new Set(ports).size !== ports.length) throw new Error('invalid bot host config: apiPort values must be unique');
  return parsed.data;
}

const sameConfig = (a: HostedBotConfig, b: HostedBotConfig): boolean => JSON.stringify(a) === JSON.stringify(b);
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Starts a host running the bots of `input`; throws if the config is invalid or any bot cannot start. */
export async function startBotHost(input: z.input<typeof BotHostConfig>, options: BotHostOptions = {}): Promise<BotHost> {
  const config = validateHostConfig(input);
  const host = createBotHost(options);
  const result = await host.apply(config);
  if (result.failed.length) {
    await host.close();
    throw new Error(result.failed.map((f) => f.error).join('; '));
  }
  return host;
}

/** A host with no bots yet; `apply` gives it some. */
export function createBotHost(options: BotHostOptions = {}): BotHost {
  const clock = options.clock ?? Date.now;
  const logger = createLogger(options.log);
  // Every bot of this host shares one client, market list, candle feed and ticker per exchange and symbol.
  const hub = new MarketHub({ clock, retryBaseMs: options.retryBaseMs, tickerMaxAgeMs: options.tickerMaxAgeMs });
  const bots = new Map<string, BotRuntime>();
  const servers = new Map<string, Server>();
  /** Where the bots listen now (a host, or a socket directory): a change restarts every bot. */
  let listenPlace: string | null = null;
  let forwarder: EgressForwarder | null = null;
  const snapshotText = (bot: BotRuntime): string => encodeSnapshot(bot.id, bot.snapshot());
  const store = new BotStateStore({
    dir: options.stateDir,
    logger,
    saveDelayMs: options.stateSaveDelayMs,
    snapshotOf: (id) => {
      const bot = bots.get(id);
      return bot && snapshotText(bot);
    },
  });
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

  /** The saved state of a bot being restarted whose new instance has not started yet (it failed to listen, say). */
  const parked = new Map<string, string>();

  const listenAddress = (config: BotHostConfig, botId: string): ApiListenAddress =>
    config.socketDir ? { socketPath: `${config.socketDir.replace(/\/$/, '')}/${botApiSocketName(botId)}` } : { host: config.listenHost };

  async function startBot(config: HostedBotConfig, at: ApiListenAddress): Promise<BotRuntime> {
    const botLogger = logger.child({ botId: config.botId });
    const restore = await store.load(config.botId, config.dryRun, botLogger, parked.get(config.botId));
    const onChange = store.enabled ? () => store.changed(config.botId) : undefined;
    const bot = new BotRuntime(config, botLogger, { clock, hub, retryBaseMs: options.retryBaseMs, restore, onChange });
    servers.set(bot.id, await listenBotApi(bot, at, botLogger));
    bots.set(bot.id, bot);
    parked.delete(bot.id);
    botLogger.log('info', 'bot API listening', {
      at: listenAddressText(at, config.apiPort), state: bot.state, trading: bot.trader !== null, restoredTrades: restore?.trades.length ?? 0,
    });
    return bot;
  }

  /**
   * Takes a bot out of the pool: no new iterations, its API refusing work, its current iteration and requests finished,
   * its state saved, and only then its port closed: a closed port means the state file is final (a move copies it then).
   */
  async function stopBot(bot: BotRuntime): Promise<string> {
    const server = servers.get(bot.id);
    bots.delete(bot.id);
    servers.delete(bot.id);
    if (server) await retireBotApi(server);
    await bot.idle();
    const text = snapshotText(bot);
    await store.save(bot.id, text);
    if (server) await closeServer(server);
    return text;
  }

  async function applyConfig(config: BotHostConfig): Promise<ApplyResult> {
    const desired = new Map(config.bots.map((b) => [b.botId, b]));
    const place = config.socketDir ? `unix:${config.socketDir}` : config.listenHost;
    const moved = listenPlace !== null && listenPlace !== place;
    for (const id of parked.keys()) if (!desired.has(id)) parked.delete(id);
    const current = [...bots.values()];
    const removed = current.filter((bot) => !desired.has(bot.id));
    const restarted = current.filter((bot) => {
      const next = desired.get(bot.id);
      return next !== undefined && (moved || !sameConfig(bot.config, next));
    });
    const added = [...desired.keys()].filter((id) => !bots.has(id));

    // Every stop comes before any start, so a port freed by one bot can be taken by another in the same apply.
    await Promise.all(removed.map(async (bot) => {
      await stopBot(bot);
      store.forget(bot.id);
      logger.log('info', 'bot removed', { botId: bot.id, port: bot.config.apiPort });
    }));
    await Promise.all(restarted.map(async (bot) => parked.set(bot.id, await stopBot(bot))));
    listenPlace = place;
    if (config.socketDir && !forwarder) {
      // Without it ccxt's proxy port answers nothing and no bot of this host reaches its exchange; the next apply retries.
      forwarder = await startEgressForwarder(`${config.socketDir.replace(/\/$/, '')}/${EGRESS_SOCKET}`, logger).catch((err: unknown) => {
        logger.log('error', 'egress forwarder could not start', { error: message(err) });
        return null;
      });
    }

    const restartedIds = restarted.map((bot) => bot.id);
    const failed: ApplyResult['failed'] = [];
    const started: string[] = [];
    await Promise.all([...restartedIds, ...added].map(async (id) => {
      const botConfig = desired.get(id) as HostedBotConfig;
      try {
        const bot = await startBot(botConfig, listenAddress(config, id));
        started.push(id);
        logger.log('info', restartedIds.includes(id) ? 'bot restarted with a new config' : 'bot added', { botId: id, port: botConfig.apiPort });
        // A new bot trades at once rather than at the next tick (its iteration queues behind nothing: it is new).
        if (ticker) void bot.process();
      } catch (err) {
        failed.push({ botId: id, error: message(err) });
        logger.log('error', 'bot could not start', { botId: id, port: botConfig.apiPort, error: message(err) });
      }
    }));
    return {
      added: added.filter((id) => started.includes(id)),
      removed: removed.map((bot) => bot.id),
      restarted: restartedIds.filter((id) => started.includes(id)),
      failed,
    };
  }

  let applying: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | null = null;
  const apply = (input: unknown): Promise<ApplyResult> => {
    const config = validateHostConfig(input);
    if (closing) return Promise.reject(new Error('the bot host is closing'));
    const run = applying.then(() => applyConfig(config));
    applying = run.catch(() => undefined);
    return run;
  };

  return {
    bots,
    apply: async (input) => apply(input),
    runOnce,
    close() {
      closing ??= (async () => {
        await applying;
        if (ticker) clearInterval(ticker);
        const count = bots.size;
        await Promise.all([...bots.values()].map(stopBot));
        await running;
        await forwarder?.close();
        await store.close();
        logger.log('info', 'bot host stopped', { bots: count });
      })();
      return closing;
    },
  };
}
