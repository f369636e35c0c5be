// The `freqtrade` engine: which FreqTrade versions the platform runs and the config.json a FreqTrade bot receives.
import { z } from 'zod';
import type { BotExchangeCredentials, BotExchangeProfile } from './bot-host-config.js';

/** The FreqTrade release new bots get; scripts/freqtrade-image.sh reads this line to build its image. */
export const DEFAULT_FREQTRADE_VERSION = '2026.9';

export const FreqtradeVersion = z.string().regex(/^\d{4}\.\d{1,2}(\.\d{1,3})?$/, 'must be a FreqTrade release like 2026.9');

/** The image a FreqTrade bot of this version runs (built locally by the setup, one per version). */
export const freqtradeImage = (version: string): string => `tradefleet/freqtrade:${version}`;

/** Inside the container: the bot's volume holds the config, the strategy, FreqTrade's user_data and its database. */
export const FREQTRADE_DATA_DIR = '/freqtrade';
export const FREQTRADE_CONFIG_FILE = 'config.json';
/** One file, replaced when the bot moves to another strategy version, so two versions never sit side by side. */
export const FREQTRADE_STRATEGY_FILE = 'strategies/strategy.py';

/** A Python class name as FreqTrade looks strategies up (`--strategy <ClassName>`). */
export const StrategyClassName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'must be a Python class name');

export interface FreqtradeBotSettings {
  botName: string;
  pairs: string[];
  stakeAmount: number;
  stakeCurrency: string;
  dryRun: boolean;
  /** Port of the bot's REST API on the container's own loopback (relayed to its socket, see freqtrade/tf_channel.py). */
  apiPort: number;
  api: { username: string; password: string; jwtSecret: string };
  /** Class name of the strategy in the strategy file. */
  strategyClass: string;
  exchange: BotExchangeProfile;
  /** ccxt's proxy setting: the container's only way out (domain/bot-channel.ts). */
  proxy: Record<string, string>;
  /** Exchange API key of a live bot; dry-run bots get none. */
  credentials?: BotExchangeCredentials;
}

/**
 * FreqTrade's config.json for one bot. The exchange is ccxt's class from the profile (the paper exchange is `binance`
 * pointed at the paper URLs through `ccxt_config`, for the sync and the async ccxt instance alike); the REST API uses
 * the bot's own random credentials; the dry-run wallet holds one stake per pair, as the builtin engine's does.
 */
export function freqtradeConfig(s: FreqtradeBotSettings): Record<string, unknown> {
  const ccxtConfig: Record<string, unknown> = { ...s.proxy };
  if (s.exchange.apiUrls) ccxtConfig['urls'] = { api: s.exchange.apiUrls };
  if (s.exchange.options) ccxtConfig['options'] = s.exchange.options;
  return {
    bot_name: s.botName,
    max_open_trades: s.pairs.length,
    stake_currency: s.stakeCurrency,
    stake_amount: s.stakeAmount,
    tradable_balance_ratio: 1,
    dry_run: s.dryRun,
    dry_run_wallet: s.stakeAmount * s.pairs.length,
    cancel_open_orders_on_exit: false,
    trading_mode: 'spot',
    margin_mode: '',
    // Taker prices on both sides: a dry-run limit order fills at once, as the builtin engine's orders do.
    entry_pricing: { price_side: 'other', use_order_book: true, order_book_top: 1, price_last_balance: 0 },
    exit_pricing: { price_side: 'other', use_order_book: true, order_book_top: 1 },
    unfilledtimeout: { entry: 10, exit: 10, exit_timeout_count: 0, unit: 'minutes' },
    exchange: {
      name: s.exchange.ccxtId,
      key: s.credentials?.apiKey ?? '',
      secret: s.credentials?.secret ?? '',
      ...(s.credentials?.passphrase ? { password: s.credentials.passphrase } : {}),
      enable_ws: false,
      ccxt_config: ccxtConfig,
      ccxt_async_config: {},
      pair_whitelist: s.pairs,
      pair_blacklist: [],
    },
    pairlists: [{ method: 'StaticPairList' }],
    api_server: {
      enabled: true,
      listen_ip_address: '127.0.0.1',
      listen_port: s.apiPort,
      verbosity: 'error',
      enable_openapi: false,
      jwt_secret_key: s.api.jwtSecret,
      ws_token: [],
      CORS_origins: [],
      username: s.api.username,
      password: s.api.password,
    },
    telegram: { enabled: false, token: '', chat_id: '' },
    initial_state: 'running',
    force_entry_enable: true,
    internals: { process_throttle_secs: 5, heartbeat_interval: 0 },
    strategy: s.strategyClass,
    strategy_path: `${FREQTRADE_DATA_DIR}/strategies`,
    user_data_dir: `${FREQTRADE_DATA_DIR}/user_data`,
    db_url: `sqlite:///${FREQTRADE_DATA_DIR}/user_data/trades.sqlite`,
  };
}
