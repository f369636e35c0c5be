// What a hosted bot's trader is set to: FreqTrade's trader states, the state a bot starts in, and the FreqTrade config
// values (max open trades, dry-run wallet) tradefleet derives from the bot's configuration.
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { Strategy } from '../domain/strategy.js';
import { DEFAULT_STRATEGY } from './default-strategy.js';

/** FreqTrade's State enum, as show_config prints it. */
export type TraderState = 'running' | 'paused' | 'stopped' | 'reload_config';

/** FreqTrade defaults `initial_state` to stopped; tradefleet configures every bot with `initial_state: running`. */
export const INITIAL_STATE: TraderState = 'running';

/** The FreqTrade config values tradefleet derives from a hosted bot's configuration. */
export interface TradingSettings {
  /** The strategy's maxOpenTrades, else one trade per configured pair. */
  maxOpenTrades: number;
  /** Dry-run starting capital: configured, else enough for every slot at the configured stake. */
  dryRunWallet: number;
}

export function tradingSettings(config: HostedBotConfig, strategy: Strategy = config.strategy ?? DEFAULT_STRATEGY): TradingSettings {
  const maxOpenTrades = strategy.maxOpenTrades ?? config.pairs.length;
  return { maxOpenTrades, dryRunWallet: config.dryRunWallet ?? config.stakeAmount * maxOpenTrades };
}

export interface StatusMsg {
  status: string;
}
