// Activities of a change of a bot's pairs (its whitelist): check the new list (form, stake currency, the exchange's
// markets), write it to the bot's row, have a FreqTrade bot reload its config file, find a pooled bot's container, and
// wait until the bot's own API says it trades the new list.
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { pairsOutsideStake } from '../domain/bot.js';
import type { BotChannelSettings } from '../domain/bot-channel.js';
import { BotPairsInput, tradesPairs } from '../domain/bot-pairs.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { fieldErrors, fieldErrorsOf, schemaFieldError } from '../domain/field-error.js';
import * as bots from '../db/bots.js';
import type { DualWriteSink } from '../db/legacy-mirror.js';
import { findBotPlacement } from '../db/pools.js';
import type { Db } from '../db/pool.js';
import type { SecretBox } from '../db/secret-box.js';
import { checkBotMarkets } from './bot-markets.js';
import { createBotHostSpecs } from './bot-host-spec.js';
import { botClient } from './freqtrade-client.js';

export interface BotPairActivityDeps {
  db: Db;
  dualWrite: DualWriteSink | null;
  box: SecretBox;
  botChannel: BotChannelSettings;
  paperExchangeUrl: string;
}

/** The list a bot trades now and the one it is asked to trade. */
export interface BotPairsPlan {
  from: string[];
  to: string[];
}

/** A pooled bot's container: where its bot list is written. */
export interface BotPoolPlace {
  poolId: string;
  containerKey: string;
  host: string;
}

type Seen = { whitelist: string[] };
type Blacklist = { blacklist: string[]; blacklist_expanded?: string[] };

const pause = (n: number): number => Math.min(500, 50 * 2 ** n);

export function createBotPairActivities(deps: BotPairActivityDeps) {
  const { db } = deps;
  const specs = createBotHostSpecs(deps);

  return {
    /** Checks a new pair list against the bot (its stake currency and stake) and its exchange's markets; writes nothing. */
    async planBotPairs(botId: string, input: unknown): Promise<BotPairsPlan> {
      const parsed = BotPairsInput.safeParse(input);
      if (!parsed.success) throw schemaFieldError(parsed.error);
      const bot = await bots.findBot(db, botId);
      if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'BotNotFound');
      const to = parsed.data.pairs;
      const outside = pairsOutsideStake(to, bot.stakeCurrency);
      if (outside.length) throw fieldErrors(outside.map((i) => ({ field: i.path.join('.'), message: i.message })));
      try {
        await checkBotMarkets(exchangeProfile(bot.exchange, deps.paperExchangeUrl), to, bot.stakeAmount);
      } catch (error) {
        const problems = fieldErrorsOf(error);
        if (!problems.length) throw error; // the exchange did not answer: retried
        // The stake is not what changes here: a pair whose minimum order is above it is the wrong field.
        throw fieldErrors(problems.map((p) => (p.field === 'stakeAmount' ? { field: 'pairs', message: `the bot's stake: ${p.message}` } : p)));
      }
      return { from: [...bot.pairs], to };
    },

    async setBotPairs(botId: string, pairs: string[]): Promise<void> {
      await bots.setBotPairs(db, deps.dualWrite, botId, pairs);
    },

    /** Where a pooled bot's list is written; null while it has no container (it gets the list from its row when placed). */
    async botPoolPlace(botId: string): Promise<BotPoolPlace | null> {
      const where = await findBotPlacement(db, botId);
      return where?.poolId && where.containerKey && where.host ? { poolId: where.poolId, containerKey: where.containerKey, host: where.host } : null;
    },

    /**
     * A FreqTrade bot reads its rewritten config.json on FreqTrade's /reload_config; a builtin host follows its config
     * by itself. Answers whether entries were paused before: FreqTrade comes back from a reload in its initial state.
     */
    async reloadBotConfig(botId: string): Promise<{ paused: boolean }> {
      const { bot, credentials } = await specs.loadBot(botId);
      if (bot.engine !== 'freqtrade') return { paused: false };
      const client = botClient(bot, deps.botChannel, credentials);
      const { state } = await client.showConfig();
      await client.post('reload_config');
      return { paused: state === 'paused' };
    },

    /**
     * Waits until the bot's /whitelist shows `pairs` (domain/bot-pairs.ts tradesPairs); a bot whose entries were paused
     * before a reload is paused again.
     */
    async waitBotPairs(botId: string, pairs: string[], timeoutMs: number, pausedBefore = false): Promise<void> {
      const { bot, credentials } = await specs.loadBot(botId);
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      for (let n = 0; Date.now() < deadline; n++) {
        Context.current().heartbeat(last);
        try {
          // A pooled bot answers on its container's host, which a move meanwhile may change.
          const row = bot.placement === 'pool' ? ((await bots.findBot(db, botId)) ?? bot) : bot;
          const client = botClient(row, deps.botChannel, credentials, 3000);
          const [white, black, open] = await Promise.all([
            client.get<Seen>('whitelist'), client.get<Blacklist>('blacklist'), client.get<Array<{ pair: string }>>('status'),
          ]);
          const seen = { whitelist: white.whitelist, blacklisted: black.blacklist_expanded ?? black.blacklist, openTradePairs: open.map((t) => t.pair) };
          if (tradesPairs(pairs, seen)) {
            if (pausedBefore && (await client.showConfig()).state === 'running') await client.post('stopbuy');
            return;
          }
          last = `its whitelist is still ${seen.whitelist.join(', ') || 'empty'}`;
        } catch (error) {
          last = (error as Error).message;
        }
        await sleep(pause(n));
      }
      throw ApplicationFailure.nonRetryable(`the bot did not take the new pairs within ${Math.round(timeoutMs / 1000)} s: ${last}`, 'PairsNotTaken');
    },
  };
}

export type BotPairActivities = ReturnType<typeof createBotPairActivities>;
