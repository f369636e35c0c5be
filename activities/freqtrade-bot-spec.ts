// What a FreqTrade bot's volume receives: config.json (exchange, API credentials, wallet) and its strategy's source.
import { ApplicationFailure } from '@temporalio/common';
import type { Bot } from '../domain/bot.js';
import type { BotExchangeCredentials } from '../domain/bot-host-config.js';
import { ccxtProxySetting, egressAllowlist } from '../domain/bot-channel.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { DEFAULT_FREQTRADE_VERSION, freqtradeConfig, StrategyClassName } from '../domain/freqtrade-config.js';
import type { Db } from '../db/pool.js';
import { findStrategyVersionForUser } from '../db/strategies.js';
import { exchangeApiUrls } from './exchange-client.js';
import type { FreqtradeRuntimeSpec } from './freqtrade-runtime.js';

export interface FreqtradeSpecInputs {
  api: { username: string; password: string; jwtSecret: string };
  paperExchangeUrl: string;
  /** A live bot's exchange key, opened only to be written into the 0600 config file. */
  exchangeCredentials?: BotExchangeCredentials;
}

export async function freqtradeSpecOf(db: Db, bot: Bot, inputs: FreqtradeSpecInputs): Promise<FreqtradeRuntimeSpec> {
  const version = bot.strategyVersionId ? await findStrategyVersionForUser(db, bot.userId, bot.strategyVersionId) : null;
  if (!version || version.engine !== 'freqtrade' || !StrategyClassName.safeParse(version.name).success) {
    throw ApplicationFailure.nonRetryable(`bot ${bot.id} has no FreqTrade strategy version`, 'InvalidStrategy');
  }
  const profile = exchangeProfile(bot.exchange, inputs.paperExchangeUrl);
  const urls = exchangeApiUrls(profile);
  const config = freqtradeConfig({
    botName: bot.name, pairs: bot.pairs, stakeAmount: bot.stakeAmount, stakeCurrency: bot.stakeCurrency, dryRun: bot.dryRun,
    apiPort: bot.apiPort, proxy: ccxtProxySetting(urls), api: inputs.api, strategyClass: version.name,
    exchange: { ccxtId: profile.ccxtId, apiUrls: profile.apiUrls, options: profile.options },
    credentials: inputs.exchangeCredentials,
  });
  return {
    botId: bot.id, userId: bot.userId, version: bot.freqtradeVersion ?? DEFAULT_FREQTRADE_VERSION, apiPort: bot.apiPort,
    config: JSON.stringify(config, null, 2), strategy: version.content, egressAllow: egressAllowlist(urls),
  };
}
