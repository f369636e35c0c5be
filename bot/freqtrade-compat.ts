// The FreqTrade release whose REST contract the host keeps, and the config-shaped answers (show_config, health, ...).
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import packageJson from '../package.json' with { type: 'json' };
import { TIMEFRAME_MINUTES } from '../domain/strategy-checks.js';
import type { BotRuntime } from './bot-state.js';

/** FreqTrade release whose api_schemas.py / api_v1.py / api_trading.py this host reproduces. */
export const FREQTRADE_COMPAT_VERSION = '2026.9';
/** freqtrade/rpc/api_server/api_v1.py API_VERSION of that release. */
export const API_VERSION = 2.5;
/** Reads like a FreqTrade dev build ("2026.9-<suffix>") so clients that parse the prefix keep working. */
export const BOT_VERSION = `${FREQTRADE_COMPAT_VERSION}-tradefleet-${packageJson.version}`;

/** FreqTrade's decimals_per_coin(). */
const decimalsPerCoin = (coin: string): number => ({ BTC: 8, ETH: 5 })[coin] ?? 3;

/** GET /show_config: every field FreqTrade's _rpc_show_config() sets, plus api_version. */
export function showConfig(bot: BotRuntime) {
  const c = bot.config;
  const s = bot.strategy;
  const minutes = TIMEFRAME_MINUTES[s.timeframe];
  return {
    version: BOT_VERSION,
    strategy_version: null,
    api_version: API_VERSION,
    dry_run: c.dryRun,
    trading_mode: 'spot',
    margin_mode: '',
    short_allowed: false,
    stake_currency: c.stakeCurrency,
    stake_amount: String(c.stakeAmount),
    available_capital: null,
    stake_currency_decimals: decimalsPerCoin(c.stakeCurrency),
    max_open_trades: bot.settings.maxOpenTrades,
    minimal_roi: { ...s.minimalRoi },
    stoploss: s.stoploss,
    stoploss_on_exchange: false,
    trailing_stop: s.trailingStop,
    trailing_stop_positive: s.trailingStopPositive ?? null,
    trailing_stop_positive_offset: s.trailingStopPositiveOffset ?? 0.0,
    trailing_only_offset_is_reached: s.trailingOnlyOffsetIsReached ?? false,
    unfilledtimeout: { entry: 10, exit: 10, exit_timeout_count: 0, unit: 'minutes' },
    use_custom_stoploss: false,
    // Every order is a market order filled at the other side of the book (FreqTrade requires price_side "other" for that).
    // Only the keys a FreqTrade config without order_types shows (show_config leaves out what the config did not set).
    order_types: {
      entry: 'market',
      exit: 'market',
      emergency_exit: 'market',
      stoploss: 'market',
      stoploss_on_exchange: false,
      stoploss_on_exchange_interval: 60,
    },
    bot_name: c.name,
    timeframe: s.timeframe,
    timeframe_ms: minutes * 60_000,
    timeframe_min: minutes,
    exchange: c.exchange,
    demo_trading: false,
    strategy: s.name,
    // Only a bot with an exchange can trade, so only such a bot takes /forceenter.
    force_entry_enable: bot.trader !== null,
    // Prices come from the ticker's best bid and ask, not from walking the order book.
    exit_pricing: { price_side: 'other', use_order_book: false, order_book_top: 1 },
    entry_pricing: {
      price_side: 'other',
      use_order_book: false,
      order_book_top: 1,
      price_last_balance: 0.0,
    },
    state: bot.state,
    runmode: c.dryRun ? 'dry_run' : 'live',
    position_adjustment_enable: false,
    max_entry_position_adjustment: -1,
  };
}

/** Pydantic's datetime JSON: ISO 8601, microseconds, "Z" for UTC. */
const isoUtc = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => (ms === '000' ? 'Z' : `.${ms}000Z`));

/** GET /health, as FreqTrade's Health schema serializes it (timestamps in seconds). */
export function health(bot: BotRuntime) {
  const pair = (d: Date | null) => (d ? [isoUtc(d), Math.floor(d.getTime() / 1000)] : [null, null]);
  const [lastProcess, lastProcessTs] = pair(bot.lastProcess);
  const [botStart, botStartTs] = pair(bot.botStart);
  const [botStartup, botStartupTs] = pair(bot.startupTime);
  return {
    last_process: lastProcess,
    last_process_ts: lastProcessTs,
    bot_start: botStart,
    bot_start_ts: botStartTs,
    bot_startup: botStartup,
    bot_startup_ts: botStartupTs,
  };
}

/** GET /sysinfo: per-CPU load over a short sample and the share of memory in use, like FreqTrade's psutil figures. */
export async function sysinfo(sampleMs = 200) {
  const busy = () => cpus().map((c) => ({ idle: c.times.idle, total: Object.values(c.times).reduce((a, b) => a + b, 0) }));
  const before = busy();
  await new Promise((r) => setTimeout(r, sampleMs));
  const cpu_pct = busy().map((after, i) => {
    const b = before[i] ?? after;
    const total = after.total - b.total;
    return total > 0 ? Math.round((1000 * (total - (after.idle - b.idle))) / total) / 10 : 0;
  });
  const [m1 = 0, m5 = 0, m15 = 0] = loadavg();
  return {
    cpu_pct,
    cpu_load: cpu_pct.map((pct, cpu) => ({ cpu, pct })),
    cpu_avg: cpu_pct.length ? cpu_pct.reduce((a, b) => a + b, 0) / cpu_pct.length : 0,
    cpu_load_avg: { '1m': m1, '5m': m5, '15m': m15 },
    cpu_count: cpu_pct.length,
    ram_pct: Math.round((1000 * (totalmem() - freemem())) / totalmem()) / 10,
  };
}

/** GET /whitelist: the configured pairs less the blacklisted ones (FreqTrade's active whitelist), from a static pairlist. */
export function whitelist(bot: BotRuntime) {
  const pairs = bot.activePairs();
  return { whitelist: pairs, length: pairs.length, method: ['StaticPairList'] };
}
