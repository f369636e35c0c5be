// zod schemas of FreqTrade 2026.9's REST responses (api_schemas.py), for tests and for clients of any bot.
// The host itself never imports this module, so none of it lands in the bot-host bundle.
import { z } from 'zod';

const num = z.number();
const int = z.number().int();
const str = z.string();
/** pydantic `float | None`; also a float FreqTrade computes as NaN/inf, which its JSON encoder writes as null. */
const numOrNull = z.number().nullable();

export const Ping = z.object({ status: z.literal('pong') }).strict();
export const StatusMsg = z.object({ status: str }).strict();
export const Version = z.object({ version: str }).strict();
export const AccessToken = z.object({ access_token: str }).strict();
export const AccessAndRefreshToken = z.object({ access_token: str, refresh_token: str }).strict();
export const Detail = z.object({ detail: z.unknown() }).strict();
export const RpcErrorBody = z.object({ error: str }).strict();

export const ShowConfig = z
  .object({
    version: str,
    strategy_version: str.nullable(),
    api_version: num,
    dry_run: z.boolean(),
    trading_mode: str,
    margin_mode: str,
    short_allowed: z.boolean(),
    stake_currency: str,
    stake_amount: str,
    available_capital: numOrNull,
    stake_currency_decimals: int,
    max_open_trades: int,
    minimal_roi: z.record(str, z.unknown()),
    stoploss: numOrNull,
    stoploss_on_exchange: z.boolean(),
    trailing_stop: z.boolean().nullable(),
    trailing_stop_positive: numOrNull,
    trailing_stop_positive_offset: numOrNull,
    trailing_only_offset_is_reached: z.boolean().nullable(),
    unfilledtimeout: z
      .object({ entry: int.nullable(), exit: int.nullable(), unit: str.nullable(), exit_timeout_count: int.nullable() })
      .partial()
      .strict()
      .nullable(),
    order_types: z
      .object({
        entry: str,
        exit: str,
        emergency_exit: str.nullable().optional(),
        force_exit: str.nullable().optional(),
        force_entry: str.nullable().optional(),
        stoploss: str,
        stoploss_on_exchange: z.boolean(),
        stoploss_on_exchange_interval: int.nullable().optional(),
      })
      .strict()
      .nullable(),
    use_custom_stoploss: z.boolean().nullable(),
    timeframe: str.nullable(),
    timeframe_ms: int,
    timeframe_min: int,
    exchange: str,
    demo_trading: z.boolean(),
    strategy: str.nullable(),
    force_entry_enable: z.boolean(),
    exit_pricing: z.record(str, z.unknown()),
    entry_pricing: z.record(str, z.unknown()),
    bot_name: str,
    state: z.enum(['running', 'paused', 'stopped', 'reload_config']),
    runmode: str,
    position_adjustment_enable: z.boolean(),
    max_entry_position_adjustment: int,
  })
  .strict();

export const Balance = z
  .object({
    currency: str,
    free: num,
    balance: num,
    used: num,
    bot_owned: numOrNull,
    est_stake: num,
    est_stake_bot: numOrNull,
    stake: str,
    side: str,
    is_position: z.boolean(),
    position: num,
    is_bot_managed: z.boolean(),
  })
  .strict();

export const Balances = z
  .object({
    currencies: z.array(Balance),
    total: num,
    total_bot: num,
    symbol: str,
    value: num,
    value_bot: num,
    stake: str,
    note: str,
    starting_capital: num,
    starting_capital_ratio: num,
    starting_capital_pct: num,
    starting_capital_fiat: num,
    starting_capital_fiat_ratio: num,
    starting_capital_fiat_pct: num,
  })
  .strict();

export const Count = z.object({ current: int, max: int, total_stake: num }).strict();

const profitShape = {
  profit_closed_coin: num, profit_closed_percent_mean: num, profit_closed_ratio_mean: num,
  profit_closed_percent_sum: num, profit_closed_ratio_sum: num, profit_closed_percent: num,
  profit_closed_ratio: num, profit_closed_fiat: num, profit_all_coin: numOrNull, profit_all_percent_mean: numOrNull,
  profit_all_ratio_mean: numOrNull, profit_all_percent_sum: numOrNull, profit_all_ratio_sum: numOrNull,
  profit_all_percent: numOrNull, profit_all_ratio: numOrNull, profit_all_fiat: num, trade_count: int,
  closed_trade_count: int, first_trade_date: str, first_trade_humanized: str, first_trade_timestamp: int,
  latest_trade_date: str, latest_trade_humanized: str, latest_trade_timestamp: int, avg_duration: str,
  best_pair: str, best_rate: num, best_pair_profit_ratio: num, best_pair_profit_abs: num, winning_trades: int,
  losing_trades: int, profit_factor: numOrNull, winrate: num, expectancy: num, expectancy_ratio: num,
  sharpe: num, sortino: num, sqn: num, calmar: num, cagr: num, max_drawdown: num, max_drawdown_abs: num,
  max_drawdown_start: str, max_drawdown_start_timestamp: int, max_drawdown_end: str,
  max_drawdown_end_timestamp: int, current_drawdown: num, current_drawdown_abs: num,
  current_drawdown_high: num, current_drawdown_start: str, current_drawdown_start_timestamp: int,
  trading_volume: numOrNull, bot_start_timestamp: int, bot_start_date: str,
};
export const Profit = z.object(profitShape).strict();

export const OrderSchema = z
  .object({
    pair: str, order_id: str, status: str, remaining: numOrNull, amount: num, safe_price: num, cost: num,
    filled: numOrNull, ft_order_side: str, order_type: str, is_open: z.boolean(), order_timestamp: int.nullable(),
    order_filled_timestamp: int.nullable(), ft_fee_base: numOrNull, ft_order_tag: str.nullable(),
  })
  .strict();

export const OpenTrade = z
  .object({
    trade_id: int, pair: str, base_currency: str, quote_currency: str, is_open: z.boolean(), is_short: z.boolean(),
    exchange: str, amount: num, amount_requested: num, stake_amount: num, max_stake_amount: numOrNull,
    strategy: str, enter_tag: str.nullable(), timeframe: int, fee_open: numOrNull, fee_open_cost: numOrNull,
    fee_open_currency: str.nullable(), fee_close: numOrNull, fee_close_cost: numOrNull,
    fee_close_currency: str.nullable(), open_date: str, open_timestamp: int, open_fill_date: str.nullable(),
    open_fill_timestamp: int.nullable(), open_rate: num, open_rate_requested: numOrNull, open_trade_value: num,
    close_date: str.nullable(), close_timestamp: int.nullable(), close_rate: numOrNull,
    close_rate_requested: numOrNull, close_profit: numOrNull, close_profit_pct: numOrNull,
    close_profit_abs: numOrNull, profit_ratio: numOrNull, profit_pct: numOrNull, profit_abs: numOrNull,
    profit_fiat: numOrNull, realized_profit: num, realized_profit_ratio: numOrNull, exit_reason: str.nullable(),
    exit_order_status: str.nullable(), stop_loss_abs: numOrNull, stop_loss_ratio: numOrNull,
    stop_loss_pct: numOrNull, stoploss_last_update: str.nullable(), stoploss_last_update_timestamp: int.nullable(),
    initial_stop_loss_abs: numOrNull, initial_stop_loss_ratio: numOrNull, initial_stop_loss_pct: numOrNull,
    min_rate: numOrNull, max_rate: numOrNull, nr_of_successful_entries: int, nr_of_successful_exits: int,
    has_open_orders: z.boolean(), orders: z.array(OrderSchema), leverage: numOrNull, interest_rate: numOrNull,
    liquidation_price: numOrNull, funding_fees: numOrNull, trading_mode: str.nullable(),
    amount_precision: numOrNull, price_precision: numOrNull, precision_mode: int.nullable(),
    stoploss_current_dist: numOrNull, stoploss_current_dist_pct: numOrNull, stoploss_current_dist_ratio: numOrNull,
    stoploss_entry_dist: numOrNull, stoploss_entry_dist_ratio: numOrNull, current_rate: numOrNull,
    total_profit_abs: num, total_profit_fiat: numOrNull, total_profit_ratio: numOrNull,
  })
  .strict();
export const Status = z.array(OpenTrade);

export const Health = z
  .object({
    last_process: str.nullable(), last_process_ts: int.nullable(),
    bot_start: str.nullable(), bot_start_ts: int.nullable(),
    bot_startup: str.nullable(), bot_startup_ts: int.nullable(),
  })
  .strict();

export const LockModel = z
  .object({
    id: int, active: z.boolean(), lock_end_time: str, lock_end_timestamp: int, lock_time: str, lock_timestamp: int,
    pair: str, side: str, reason: str.nullable(),
  })
  .strict();
export const Locks = z.object({ lock_count: int, locks: z.array(LockModel) }).strict();

export const SysInfo = z
  .object({
    cpu_pct: z.array(num),
    cpu_load: z.array(z.object({ cpu: int, pct: num }).strict()),
    cpu_load_avg: z.record(str, num),
    cpu_count: int,
    cpu_avg: num,
    ram_pct: num,
  })
  .strict();

/** One order as /trades serves it: Order.to_json(), which has more fields than the OrderSchema /status keeps. */
export const TradeOrder = OrderSchema.extend({
  ft_is_entry: z.boolean(), average: num, order_date: str.nullable(), order_filled_date: str.nullable(), price: numOrNull,
  funding_fee: numOrNull,
}).strict();

/** /pair_candles (PairHistory): the analysed dataframe, its columns and signal counts. */
export const PairHistory = z
  .object({
    strategy: str, pair: str, timeframe: str, timeframe_ms: int, columns: z.array(str), all_columns: z.array(str),
    data: z.array(z.array(z.unknown())), annotations: z.array(z.unknown()).nullable(), length: int, buy_signals: int,
    sell_signals: int, enter_long_signals: int, exit_long_signals: int, enter_short_signals: int, exit_short_signals: int,
    last_analyzed: str, last_analyzed_ts: int, data_start_ts: int, data_start: str, data_stop: str, data_stop_ts: int,
  })
  .strict();

/** /plot_config: FreqTrade's plot_config dict (main_plot and subplots by indicator column). */
export const PlotConfig = z.object({ main_plot: z.record(str, z.unknown()), subplots: z.record(str, z.record(str, z.unknown())) });

export const Blacklist = z
  .object({ blacklist: z.array(str), blacklist_expanded: z.array(str), errors: z.record(str, z.object({ error_msg: str })), length: int, method: z.array(str) })
  .strict();
export const Whitelist = z.object({ whitelist: z.array(str), length: int, method: z.array(str) }).strict();
export const Logs = z.object({ log_count: int, logs: z.array(z.tuple([str, num, str, str, str])) }).strict();
const timeunitRow = z.object({ date: str, abs_profit: num, rel_profit: num, starting_balance: num, fiat_value: num, trade_count: int }).strict();
export const DailyWeeklyMonthly = z.object({ data: z.array(timeunitRow), fiat_display_currency: str, stake_currency: str }).strict();
export const PerformanceEntry = z.object({ pair: str, profit: num, profit_ratio: num, profit_pct: num, profit_abs: num, count: int }).strict();

/** POST /forceexit's body (ForceExitPayload; pydantic ignores unknown keys) and its answer. */
export const ForceExitPayload = z.object({
  tradeid: z.union([str, int]),
  ordertype: z.enum(['limit', 'market']).nullable().optional(),
  /** Partial exit: how much of the trade's amount to sell; absent or null sells all of it. */
  amount: numOrNull.optional(),
});
export const ForceExitResponse = z.object({ result: str }).strict();
