// What a builtin bot host needs to run one bot: the bot's row with its opened API credentials, its strategy, its
// exchange profile and (live bots only) its exchange key. Shared by dedicated containers and pool containers.
import { ApplicationFailure } from '@temporalio/common';
import type { Bot } from '../domain/bot.js';
import { CONTAINER_SOCKET_DIR, ccxtProxySetting, egressAllowlist } from '../domain/bot-channel.js';
import type { BotHostConfig, HostedBotConfig } from '../domain/bot-host-config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { parseStrategy, type Strategy } from '../domain/strategy.js';
import * as bots from '../db/bots.js';
import { findExchangeAccountWithSecret } from '../db/exchange-accounts.js';
import { bundledBuiltin } from '../db/seed.js';
import { findStrategyVersionForUser } from '../db/strategies.js';
import type { Db } from '../db/pool.js';
import { accountCredentialsPlace, botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import { exchangeApiUrls } from './exchange-client.js';
import type { FreqtradeCredentials } from './freqtrade-client.js';

export interface StoredCredentials extends FreqtradeCredentials {
  jwtSecret: string;
}

export interface BotHostSpecDeps {
  db: Db;
  box: SecretBox;
  /** Where the `paper` exchange profile points ccxt. */
  paperExchangeUrl: string;
}

/**
 * Parsed strategy versions by id. A version never changes (strategy_versions is insert-only), so a pool container's
 * bot list, rewritten whole for every placement, reads and parses each version once per worker, not once per bot and
 * write. Kept with its owner: a version is only ever given to its owner's bots (or is bundled, owner null).
 */
const parsedVersions = new Map<string, { userId: string | null; strategy: Strategy }>();
const PARSED_VERSIONS_MAX = 2_000;

function rememberVersion(id: string, userId: string | null, strategy: Strategy): void {
  if (parsedVersions.size >= PARSED_VERSIONS_MAX) parsedVersions.delete(parsedVersions.keys().next().value!);
  parsedVersions.set(id, { userId, strategy });
}

export function createBotHostSpecs(deps: BotHostSpecDeps) {
  const { db, box } = deps;

  async function loadBot(botId: string) {
    const bot = await bots.findBotWithSecret(db, botId);
    if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'BotNotFound');
    const credentials = JSON.parse(box.open(bot.apiCredentials, botCredentialsPlace(bot.id))) as StoredCredentials;
    return { bot, credentials };
  }

  /** The strategy a bot runs: its pinned version, else the first bundled one. */
  async function strategyOf(bot: Bot) {
    const known = bot.strategyVersionId ? parsedVersions.get(bot.strategyVersionId) : undefined;
    if (known && (known.userId === null || known.userId === bot.userId)) return known.strategy;
    const version = bot.strategyVersionId ? await findStrategyVersionForUser(db, bot.userId, bot.strategyVersionId) : null;
    const content = version?.content ?? bundledBuiltin(0).content;
    const parsed = parseStrategy(JSON.parse(content));
    if (!parsed.success) throw ApplicationFailure.nonRetryable(`strategy of bot ${bot.id} is invalid: ${parsed.issues[0]}`, 'InvalidStrategy');
    if (version) rememberVersion(version.id, version.userId, parsed.data);
    return parsed.data;
  }

  /** Exchange API key of a live bot, opened only to be written into its 0600 config file. */
  async function exchangeCredentialsOf(bot: Bot) {
    if (bot.dryRun || !bot.exchangeAccountId) return undefined;
    const account = await findExchangeAccountWithSecret(db, bot.exchangeAccountId);
    if (!account) throw ApplicationFailure.nonRetryable(`the exchange account of bot ${bot.id} is gone`, 'AccountMissing');
    return JSON.parse(box.open(account.credentials, accountCredentialsPlace(account.id))) as { apiKey: string; secret: string; passphrase?: string };
  }

  async function hostedBot(bot: Bot, credentials: StoredCredentials): Promise<HostedBotConfig> {
    const profile = exchangeProfile(bot.exchange, deps.paperExchangeUrl);
    return {
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
    };
  }

  /** The configs of the bots of `ids` that still exist (a bot deleted since the list was read must not run), in order. */
  async function hostedBots(ids: readonly string[]): Promise<HostedBotConfig[]> {
    const rows = await bots.findBotsWithSecret(db, ids);
    const out: HostedBotConfig[] = [];
    for (const bot of rows) out.push(await hostedBot(bot, JSON.parse(box.open(bot.apiCredentials, botCredentialsPlace(bot.id))) as StoredCredentials));
    return out;
  }

  return { loadBot, strategyOf, exchangeCredentialsOf, hostedBot, hostedBots };
}

/**
 * A bot host config for a container without a network (dedicated or pool): each bot's API on its socket in /run/tf,
 * ccxt through the egress proxy; and the allowlist that proxy needs (the union of the bots' exchange hosts).
 */
export function confinedHostConfig(config: BotHostConfig): { config: BotHostConfig; egressAllow: string[] } {
  const allow = new Set<string>();
  const bots = config.bots.map((bot) => {
    if (!bot.exchangeProfile) return bot;
    const urls = exchangeApiUrls({ id: bot.exchange, ...bot.exchangeProfile });
    for (const hostPort of egressAllowlist(urls)) allow.add(hostPort);
    return { ...bot, exchangeProfile: { ...bot.exchangeProfile, proxy: ccxtProxySetting(urls) } };
  });
  return { config: { ...config, socketDir: CONTAINER_SOCKET_DIR, bots }, egressAllow: [...allow].sort() };
}
