// Activities of the bot lifecycle: the bot's row in PostgreSQL, its runtime (Docker or process) and its REST API.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { CreateBotInput, type Bot, type BotStatus } from '../domain/bot.js';
import type { BotHostConfig } from '../domain/bot-host-config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { parseStrategy } from '../domain/strategy.js';
import * as bots from '../db/bots.js';
import { findExchangeAccountForUser, findExchangeAccountWithSecret } from '../db/exchange-accounts.js';
import { bundledBuiltin } from '../db/seed.js';
import { findBundledStrategyByHash, findStrategyVersionForUser } from '../db/strategies.js';
import type { Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';
import { checkBotMarkets } from './bot-markets.js';
import { createFreqtradeClient, type FreqtradeCredentials } from './freqtrade-client.js';
import type { BotRuntimeDriver, RuntimeSpec } from './runtime-driver.js';

export interface BotActivityDeps {
  db: Db;
  box: SecretBox;
  driver: BotRuntimeDriver;
  /** Host the platform reaches bot APIs on. */
  botApiHost: string;
  /** Address bot APIs listen on inside their runtime. */
  botListenHost: string;
  /** Where the `paper` exchange profile points ccxt. */
  paperExchangeUrl: string;
}

interface StoredCredentials extends FreqtradeCredentials {
  jwtSecret: string;
}

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
  const { db, box, driver } = deps;

  async function loadBot(botId: string) {
    const bot = await bots.findBotWithSecret(db, botId);
    if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'BotNotFound');
    const credentials = JSON.parse(box.open(bot.apiCredentials)) as StoredCredentials;
    return { bot, credentials };
  }

  /** The strategy a bot runs: its pinned version, else the first bundled one. */
  async function strategyOf(bot: Bot) {
    const version = bot.strategyVersionId
      ? await findStrategyVersionForUser(db, bot.userId, bot.strategyVersionId)
      : null;
    const content = version?.content ?? bundledBuiltin(0).content;
    const parsed = parseStrategy(JSON.parse(content));
    if (!parsed.success) throw ApplicationFailure.nonRetryable(`strategy of bot ${bot.id} is invalid: ${parsed.issues[0]}`, 'InvalidStrategy');
    return parsed.data;
  }

  /** Exchange API key of a live bot, opened only to be written into its 0600 config file. */
  async function exchangeCredentialsOf(bot: Bot) {
    if (bot.dryRun || !bot.exchangeAccountId) return undefined;
    const account = await findExchangeAccountWithSecret(db, bot.exchangeAccountId);
    if (!account) throw ApplicationFailure.nonRetryable(`the exchange account of bot ${bot.id} is gone`, 'AccountMissing');
    return JSON.parse(box.open(account.credentials)) as { apiKey: string; secret: string; passphrase?: string };
  }

  async function runtimeSpec(bot: Bot, credentials: StoredCredentials): Promise<RuntimeSpec> {
    const profile = exchangeProfile(bot.exchange, deps.paperExchangeUrl);
    const host: BotHostConfig = {
      listenHost: deps.botListenHost,
      bots: [
        {
          botId: bot.id,
          name: bot.name,
          exchange: bot.exchange,
          pairs: bot.pairs,
          stakeAmount: bot.stakeAmount,
          stakeCurrency: bot.stakeCurrency,
          dryRun: bot.dryRun,
          apiPort: bot.apiPort,
          api: credentials,
          strategy: await strategyOf(bot),
          exchangeProfile: { ccxtId: profile.ccxtId, apiUrls: profile.apiUrls, options: profile.options },
          credentials: await exchangeCredentialsOf(bot),
        },
      ],
    };
    return { botId: bot.id, userId: bot.userId, host };
  }

  const clientFor = (bot: Bot, credentials: StoredCredentials) =>
    createFreqtradeClient(`http://${deps.botApiHost}:${bot.apiPort}`, credentials);

  return {
    /** Validates and inserts the bot as `provisioning` with fresh API credentials and a free port. Idempotent by id. */
    async persistBot(input: PersistBotInput): Promise<Bot> {
      const parsed = CreateBotInput.safeParse(input.spec);
      if (!parsed.success) throw ApplicationFailure.nonRetryable(parsed.error.issues[0]?.message ?? 'invalid bot', 'InvalidBot');
      const existing = await bots.findBot(db, input.botId);
      if (existing) return existing;
      const spec = parsed.data;
      const strategy = spec.strategyVersionId
        ? await findStrategyVersionForUser(db, input.userId, spec.strategyVersionId)
        : await findBundledStrategyByHash(db, bundledBuiltin(0).hash);
      if (!strategy || strategy.engine !== spec.engine) {
        throw ApplicationFailure.nonRetryable(`strategyVersionId: no ${spec.engine} strategy with this id`, 'InvalidBot');
      }
      const account = spec.exchangeAccountId ? await findExchangeAccountForUser(db, input.userId, spec.exchangeAccountId) : null;
      if (spec.exchangeAccountId && !account) throw ApplicationFailure.nonRetryable('exchangeAccountId: no such exchange account', 'InvalidBot');
      await checkBotMarkets(exchangeProfile(account?.exchangeId ?? spec.exchange, deps.paperExchangeUrl), spec.pairs, spec.stakeAmount);
      const credentials: StoredCredentials = {
        username: `tf-${randomBytes(4).toString('hex')}`,
        password: randomBytes(24).toString('base64url'),
        jwtSecret: randomBytes(48).toString('base64url'),
      };
      const sealedCredentials = box.seal(JSON.stringify(credentials));
      const busy: number[] = [];
      for (let attempt = 0; attempt < 50; attempt++) {
        const port = await bots.nextFreeBotPort(db, busy);
        if (port === null) throw ApplicationFailure.nonRetryable('no free bot API port left', 'NoPort');
        if (!(await portIsFree(deps.botApiHost, port))) {
          busy.push(port);
          continue;
        }
        try {
          return await bots.insertBot(db, {
            id: input.botId, userId: input.userId, spec, driver: driver.kind, apiPort: port, sealedCredentials,
            exchange: account?.exchangeId ?? spec.exchange, strategyVersionId: strategy.id,
          });
        } catch (error) {
          if (!(error instanceof bots.PortTakenError)) throw error;
          busy.push(port);
        }
      }
      throw new Error('could not allocate a bot API port after 50 tries');
    },

    async findBot(botId: string): Promise<Bot> {
      const bot = await bots.findBot(db, botId);
      if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'BotNotFound');
      return bot;
    },

    async createBotRuntime(botId: string): Promise<string> {
      const { bot, credentials } = await loadBot(botId);
      const runtimeId = await driver.ensureCreated(await runtimeSpec(bot, credentials));
      await bots.setBotStatus(db, botId, bot.status, { runtimeId });
      return runtimeId;
    },

    async startBotRuntime(botId: string): Promise<void> {
      const { bot, credentials } = await loadBot(botId);
      await driver.start(botId, await runtimeSpec(bot, credentials));
    },

    /** Polls until the bot's REST API answers, accepts its credentials and reports `running`. */
    async waitBotHealthy(botId: string, timeoutMs: number): Promise<void> {
      const { bot, credentials } = await loadBot(botId);
      const client = clientFor(bot, credentials);
      const deadline = Date.now() + timeoutMs;
      let lastProblem = 'no answer yet';
      while (Date.now() < deadline) {
        Context.current().heartbeat(lastProblem);
        const runtime = await driver.inspect(botId);
        if (!runtime.exists) throw ApplicationFailure.nonRetryable(`the runtime of bot ${botId} is gone`, 'RuntimeGone');
        if (!runtime.running && runtime.exitCode !== undefined && runtime.exitCode !== null && runtime.exitCode !== 0) {
          lastProblem = `bot host exited with code ${runtime.exitCode}`;
        } else {
          try {
            if (await client.ping()) {
              await client.login();
              const config = await client.showConfig();
              if (config.state === 'running') return;
              lastProblem = `bot state is ${config.state}`;
            }
          } catch (error) {
            lastProblem = (error as Error).message;
          }
        }
        await sleep(250);
      }
      throw ApplicationFailure.nonRetryable(`bot did not become healthy within ${Math.round(timeoutMs / 1000)} s: ${lastProblem}`, 'Unhealthy');
    },

    /** Asks the bot to stop trading (best effort), then stops its runtime. */
    async stopBotRuntime(botId: string): Promise<void> {
      const { bot, credentials } = await loadBot(botId);
      const runtime = await driver.inspect(botId);
      if (runtime.running) await clientFor(bot, credentials).stop().catch(() => undefined);
      await driver.stop(botId);
    },

    async removeBotRuntime(botId: string): Promise<void> {
      await driver.remove(botId);
    },

    async setBotStatus(botId: string, status: BotStatus, lastError: string | null = null): Promise<Bot | null> {
      return bots.setBotStatus(db, botId, status, { lastError });
    },

    async markBotFailed(botId: string, reason: string): Promise<void> {
      await bots.setBotStatus(db, botId, 'failed', { lastError: reason, runtimeId: null });
    },

    async deleteBotRecord(botId: string): Promise<void> {
      await bots.deleteBotRecord(db, botId);
    },
  };
}

export type BotActivities = ReturnType<typeof createBotActivities>;
