// Activities of the bot lifecycle: the bot's row in PostgreSQL, its runtime (Docker or process) and its REST API.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { CreateBotInput, type Bot, type BotStatus } from '../domain/bot.js';
import type { BotChannelSettings } from '../domain/bot-channel.js';
import type { BotHostConfig } from '../domain/bot-host-config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { fieldError, schemaFieldError } from '../domain/field-error.js';
import { DEFAULT_FREQTRADE_VERSION } from '../domain/freqtrade-config.js';
import * as bots from '../db/bots.js';
import { findExchangeAccountForUser } from '../db/exchange-accounts.js';
import type { DualWriteSink } from '../db/legacy-mirror.js';
import { bundledBuiltin, bundledFreqtrade } from '../db/seed.js';
import { findBundledStrategyByHash, findStrategyVersionForUser } from '../db/strategies.js';
import type { Db } from '../db/pool.js';
import { botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import { assertSameOwner, confirmedOwner } from './owner-check.js';
import { checkBotMarkets } from './bot-markets.js';
import { createBotHostSpecs, type StoredCredentials } from './bot-host-spec.js';
import { botClient } from './freqtrade-client.js';
import { freqtradeSpecOf } from './freqtrade-bot-spec.js';
import { createRuntimeChoice, type RuntimeChoiceDeps } from './bot-runtime-choice.js';
import type { RuntimeSpec, RuntimeState } from './runtime-driver.js';
import { recordProvisioned, recordProvisioningFailure } from '../telemetry/worker-metrics.js';
import type { Notifier } from '../telemetry/notify.js';
import { watchStartFailures } from './bot-start-failure.js';

/** The runtimes (`driver`, `freqtrade`, `pool`, `freqtradePool`) and default placements: see RuntimeChoiceDeps. */
export interface BotActivityDeps extends RuntimeChoiceDeps {
  db: Db;
  /** Where the bot's row is mirrored while a migration run has dual-write on; null without MONGO_URL. */
  dualWrite: DualWriteSink | null;
  box: SecretBox;
  /** Host the platform reaches bot APIs on. */
  botApiHost: string;
  /** How the platform reaches bot APIs (a container's socket; TCP for local-process bots and pooled bots' gateways). */
  botChannel: BotChannelSettings;
  /** Address a local-process bot's API listens on (a container's listens on its socket instead). */
  botListenHost: string;
  /** Tells a bot's owner that it failed. */
  notifier?: Notifier;
  /** Where the `paper` exchange profile points ccxt. */
  paperExchangeUrl: string;
  /** The platform's task queue, recorded on each bot it creates (its fleet reconciler watches those). */
  taskQueue?: string;
  /** The per-user bot limits, checked atomically with the insert. */
  botLimits?: bots.BotLimits;
}

/**
 * Ports tried per bot. Another platform's pooled bots on the same host network hold ports this database does not know
 * (another `npm start`, a test platform): a fresh platform beside a few hundred of them must still find one.
 */
const PORT_TRIES = 2000;

/** FreqTrade imports pandas and ccxt and loads the exchange's markets before its API answers: give it longer. */
const FREQTRADE_MIN_HEALTH_MS = 110_000;
/** Health attempts of a pooled FreqTrade bot (the workflow's health proxy allows 3): about five and a half minutes. */
const POOLED_FREQTRADE_HEALTH_ATTEMPTS = 3;
/**
 * The pause after health check `n`: 50, 100, 200 ms, then 250 ms. A placed bot usually answers within a few hundred
 * milliseconds, so the first checks come quickly; a burst of bots that wait longer settles at four checks a second each.
 */
export const healthCheckPause = (n: number): number => Math.min(250, 50 * 2 ** n);

export interface PersistBotInput {
  botId: string;
  userId: string;
  spec: unknown;
}

const portIsFree = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });

export function createBotActivities(deps: BotActivityDeps) {
  const { db, dualWrite, box, driver } = deps;

  const specs = createBotHostSpecs(deps);
  const { loadBot, exchangeCredentialsOf } = specs;
  const { freqtradeRuntime, poolRuntime, runtimeOf, dedicatedFreqtrade, placementOf } = createRuntimeChoice(deps);

  async function runtimeSpec(bot: Bot, credentials: StoredCredentials): Promise<RuntimeSpec> {
    const host: BotHostConfig = { listenHost: deps.botListenHost, bots: [await specs.hostedBot(bot, credentials)] };
    return { botId: bot.id, userId: bot.userId, host };
  }

  const freqtradeSpec = async (bot: Bot, credentials: StoredCredentials) =>
    freqtradeSpecOf(db, bot, { api: credentials, paperExchangeUrl: deps.paperExchangeUrl, exchangeCredentials: await exchangeCredentialsOf(bot) });

  const clientFor = (bot: Bot, credentials: StoredCredentials) =>
    botClient(bot, deps.botChannel, credentials);

  return {
    /** Validates and inserts the bot as `provisioning` with fresh API credentials and a free port. Idempotent by id. */
    async persistBot(input: PersistBotInput): Promise<Bot> {
      const parsed = CreateBotInput.safeParse(input.spec);
      if (!parsed.success) throw schemaFieldError(parsed.error);
      const existing = await bots.findBot(db, input.botId);
      if (existing) {
        assertSameOwner(`bot ${existing.id}`, input.userId, existing.userId);
        return existing;
      }
      await confirmedOwner(db, 'bot', input.botId, input.userId);
      const spec = parsed.data;
      const strategy = spec.strategyVersionId
        ? await findStrategyVersionForUser(db, input.userId, spec.strategyVersionId)
        : await findBundledStrategyByHash(db, (spec.engine === 'freqtrade' ? bundledFreqtrade(0) : bundledBuiltin(0)).hash);
      if (!strategy || strategy.engine !== spec.engine) {
        throw fieldError('strategyVersionId', `no ${spec.engine} strategy with this id`);
      }
      const account = spec.exchangeAccountId ? await findExchangeAccountForUser(db, input.userId, spec.exchangeAccountId) : null;
      if (spec.exchangeAccountId && !account) throw fieldError('exchangeAccountId', 'no such exchange account');
      const freqtradeVersion = spec.engine === 'freqtrade' ? (spec.freqtradeVersion ?? DEFAULT_FREQTRADE_VERSION) : null;
      const placement = placementOf(spec.engine, spec.placement, freqtradeVersion);
      if (placement === 'pool' && !(spec.engine === 'freqtrade' ? deps.freqtradePool : deps.pool)) {
        throw fieldError('placement', 'pools need a Docker engine, and this platform runs bots as local processes');
      }
      if (placement === 'pool' && freqtradeVersion !== null && freqtradeVersion !== DEFAULT_FREQTRADE_VERSION) {
        throw fieldError('placement', `FreqTrade pool containers run FreqTrade ${DEFAULT_FREQTRADE_VERSION}; a bot on ${freqtradeVersion} needs placement dedicated`);
      }
      if (freqtradeVersion !== null) {
        if (!deps.freqtrade) throw fieldError('engine', 'FreqTrade bots need a Docker engine, and this platform runs bots as local processes');
        if (!(await deps.freqtrade.imageExists(freqtradeVersion))) {
          throw fieldError('freqtradeVersion', `FreqTrade ${freqtradeVersion} is not installed here (no image tradefleet/freqtrade:${freqtradeVersion}; the setup builds it)`);
        }
      }
      await checkBotMarkets(exchangeProfile(account?.exchangeId ?? spec.exchange, deps.paperExchangeUrl), spec.pairs, spec.stakeAmount);
      const credentials: StoredCredentials = {
        username: `tf-${randomBytes(4).toString('hex')}`,
        password: randomBytes(24).toString('base64url'),
        jwtSecret: randomBytes(48).toString('base64url'),
      };
      const sealedCredentials = box.seal(JSON.stringify(credentials), botCredentialsPlace(input.botId));
      const busy: number[] = [];
      for (let attempt = 0; attempt < PORT_TRIES; attempt++) {
        const port = await bots.nextFreeBotPort(db, busy);
        if (port === null) throw ApplicationFailure.nonRetryable('no free bot API port left', 'NoPort');
        // A container's port is on its own loopback; a local process listens on the host's, and a pooled bot's host
        // gateway opens the port on its address (this host's, when it is the one placing it).
        if ((placement === 'pool' || driver.kind === 'process') && !(await portIsFree(deps.botApiHost, port))) {
          busy.push(port);
          continue;
        }
        try {
          return await bots.insertBot(db, dualWrite, {
            id: input.botId, userId: input.userId, spec, driver: driver.kind, apiPort: port, sealedCredentials,
            exchange: account?.exchangeId ?? spec.exchange, strategyVersionId: strategy.id, freqtradeVersion, placement, taskQueue: deps.taskQueue ?? null,
          }, deps.botLimits);
        } catch (error) {
          if (error instanceof bots.BotQuotaError) throw ApplicationFailure.nonRetryable(error.message, 'QuotaExceeded');
          if (!(error instanceof bots.PortTakenError)) throw error;
          busy.push(port);
        }
      }
      throw new Error(`could not allocate a bot API port after ${PORT_TRIES} tries`);
    },

    async findBot(botId: string): Promise<Bot> {
      const bot = await bots.findBot(db, botId);
      if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'BotNotFound');
      return bot;
    },

    async createBotRuntime(botId: string): Promise<string> {
      const { bot, credentials } = await loadBot(botId);
      const runtimeId = dedicatedFreqtrade(bot)
        ? await freqtradeRuntime().ensureCreated(await freqtradeSpec(bot, credentials))
        : bot.placement === 'pool'
          ? await poolRuntime(bot).ensureCreated({ botId, userId: bot.userId, host: { listenHost: deps.botListenHost, bots: [] } })
          : await driver.ensureCreated(await runtimeSpec(bot, credentials));
      await bots.setBotStatus(db, dualWrite, botId, bot.status, { runtimeId });
      return runtimeId;
    },

    async startBotRuntime(botId: string): Promise<void> {
      const { bot, credentials } = await loadBot(botId);
      if (dedicatedFreqtrade(bot)) await freqtradeRuntime().start(botId);
      else if (bot.placement === 'pool') await poolRuntime(bot).start(botId, { botId, userId: bot.userId, host: { listenHost: deps.botListenHost, bots: [] } });
      else await driver.start(botId, await runtimeSpec(bot, credentials));
    },

    /** Polls until the bot's REST API answers, accepts its credentials and reports `running`. */
    async waitBotHealthy(botId: string, timeoutMs: number): Promise<void> {
      const { bot, credentials } = await loadBot(botId);
      const limit = bot.engine === 'freqtrade' ? Math.max(timeoutMs, FREQTRADE_MIN_HEALTH_MS) : timeoutMs;
      const deadline = Date.now() + limit;
      let lastProblem = 'no answer yet';
      const startFailure = await watchStartFailures({ db, freqtradeRuntime, dedicatedFreqtrade, exchangeCredentialsOf }, bot, credentials);
      const expectedStrategy = bot.engine === 'freqtrade' && bot.placement === 'pool' && bot.strategyVersionId
        ? ((await findStrategyVersionForUser(db, bot.userId, bot.strategyVersionId))?.name ?? null)
        : null;
      for (let check = 0; Date.now() < deadline; check++) {
        Context.current().heartbeat(lastProblem);
        const runtime: RuntimeState & { restartCount?: number } = await runtimeOf(bot).inspect(botId);
        if (!runtime.exists) throw ApplicationFailure.nonRetryable(`the runtime of bot ${botId} is gone`, 'RuntimeGone');
        // FreqTrade exits on a config or strategy error; restarted, it fails the same way again.
        const failure = await startFailure(runtime);
        if (failure && !failure.exchangeDown) throw ApplicationFailure.nonRetryable(failure.message, 'Unhealthy');
        if (!runtime.running && runtime.exitCode !== undefined && runtime.exitCode !== null && runtime.exitCode !== 0) {
          lastProblem = `bot host exited with code ${runtime.exitCode}`;
        } else {
          try {
            // A pooled bot answers on its container's host, which a move meanwhile may change.
            const client = clientFor(bot.placement === 'pool' ? ((await bots.findBot(db, botId)) ?? bot) : bot, credentials);
            if (await client.ping()) {
              await client.login();
              const config = await client.showConfig();
              // A pooled FreqTrade bot that was just stopped (a version move) may still be the old process shutting
              // down: only the pinned strategy counts as the bot having come up.
              const stale = expectedStrategy !== null && config['strategy'] !== expectedStrategy;
              // A bot host restores each bot's saved state: one stopped through its API (as a stop does) starts again;
              // one a risk guard paused stays paused (new entries stay off until its owner resumes the guard).
              if (stale) lastProblem = `the bot still runs strategy ${String(config['strategy'])}`;
              else if (config.state === 'running' || config.state === 'paused') return;
              else {
                if (config.state === 'stopped') await client.start();
                lastProblem = `bot state is ${config.state}`;
              }
            }
          } catch (error) {
            lastProblem = (error as Error).message;
          }
        }
        if (failure) lastProblem = failure.message; // its exchange is down: the owner reads why the wait goes on
        await sleep(healthCheckPause(check));
      }
      const message = `bot did not become healthy within ${Math.round(limit / 1000)} s: ${lastProblem}`;
      // A pooled FreqTrade bot starts beside its siblings (and, first, its container's parent imports FreqTrade): on a
      // busy host that can take longer than one attempt. It keeps its pool's place, so the next attempt waits on.
      if (bot.engine === 'freqtrade' && bot.placement === 'pool' && Context.current().info.attempt < POOLED_FREQTRADE_HEALTH_ATTEMPTS) {
        throw ApplicationFailure.retryable(message, 'Unhealthy');
      }
      throw ApplicationFailure.nonRetryable(message, 'Unhealthy');
    },

    /** One quick look for the fleet reconciler's revive: the bot's own API answers, accepts its credentials and runs. */
    async botAnswers(botId: string): Promise<boolean> {
      const { bot, credentials } = await loadBot(botId);
      const client = botClient(bot, deps.botChannel, credentials, 3000);
      try {
        return (await client.ping()) && ['running', 'paused'].includes((await client.showConfig()).state);
      } catch {
        return false;
      }
    },

    /** Asks the bot to stop trading (best effort), then stops its runtime. */
    async stopBotRuntime(botId: string): Promise<void> {
      const { bot, credentials } = await loadBot(botId);
      const runtime = await runtimeOf(bot).inspect(botId);
      // A pooled bot leaves its container's bot list: its saved state must keep FreqTrade's state for a later start.
      if (runtime.running && bot.placement !== 'pool') await clientFor(bot, credentials).stop().catch(() => undefined);
      await runtimeOf(bot).stop(botId);
    },

    /** Removes the runtime and what it owns (a FreqTrade bot's volume too); without the bot's row, every kind is swept. */
    async removeBotRuntime(botId: string): Promise<void> {
      const bot = await bots.findBot(db, botId);
      if (bot?.placement === 'pool') await poolRuntime(bot).remove(botId);
      if (!bot || (bot.engine === 'builtin' && bot.placement === 'dedicated')) await driver.remove(botId);
      if ((!bot || dedicatedFreqtrade(bot)) && deps.freqtrade) await deps.freqtrade.remove(botId);
    },

    /** A pooled bot without a place cannot be `running`: that fails with type NotPlaced, and nothing changes. */
    async setBotStatus(botId: string, status: BotStatus, lastError: string | null = null): Promise<Bot | null> {
      try {
        const before = status === 'running' ? await bots.findBot(db, botId) : null;
        const bot = await bots.setBotStatus(db, dualWrite, botId, status, { lastError });
        if (bot && before?.status === 'provisioning') recordProvisioned(bot.engine, bot.placement, bot.createdAt);
        return bot;
      } catch (error) {
        if (error instanceof bots.NotPlacedError) throw ApplicationFailure.nonRetryable(error.message, 'NotPlaced');
        throw error;
      }
    },

    async markBotFailed(botId: string, reason: string): Promise<void> {
      recordProvisioningFailure(reason);
      const bot = await bots.setBotStatus(db, dualWrite, botId, 'failed', { lastError: reason, runtimeId: null });
      // Keyed by this activity: a retry does not notify twice.
      const { activityId, workflowExecution } = Context.current().info;
      if (bot) {
        await deps.notifier?.notify({
          userId: bot.userId, kind: 'bot_failed', severity: 'warning', botId, sourceKey: `bot-failed:${workflowExecution?.runId ?? botId}:${activityId}`,
          title: `Bot ${bot.name} failed`, body: reason,
        });
      }
    },

    async deleteBotRecord(botId: string): Promise<void> {
      await bots.deleteBotRecord(db, botId);
    },
  };
}

export type BotActivities = ReturnType<typeof createBotActivities>;
