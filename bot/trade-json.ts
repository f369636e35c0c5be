// FreqTrade's JSON shapes of a ledger trade: Trade.to_json() for /trades and OpenTradeSchema for /status and /trade/{id}.
import { formatDate } from './log.js';
import { maxStake, profitAtRate, type LedgerOrder, type LedgerTrade } from './trade-ledger.js';

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const ts = (d: Date | null): number | null => (d ? d.getTime() : null);
const pct = (v: number | null): number | null => (v ? round(v * 100, 2) : null);

/** FreqTrade's Trade.to_json() (TradeSchema) for /trades and /trade/{id}. */
export function tradeToJson(t: LedgerTrade): Record<string, unknown> {
  const [base = t.pair, quote = ''] = t.pair.split('/');
  const openTradeValue = t.amount * t.openRate * (1 + t.feeOpen);
  const durationS = t.closeDate ? Math.floor((t.closeDate.getTime() - t.openDate.getTime()) / 1000) : null;
  const filled = (side: LedgerOrder['side']) => (t.orders ?? []).filter((o) => o.side === side && o.filledAt && o.filled > 0).length;
  return {
    trade_id: t.id,
    pair: t.pair,
    base_currency: base,
    quote_currency: quote,
    is_open: t.isOpen,
    exchange: t.exchange,
    amount: round(t.amount, 8),
    amount_requested: round(t.amountRequested, 8),
    stake_amount: round(t.stakeAmount, 8),
    max_stake_amount: round(maxStake(t), 8),
    strategy: t.strategy,
    enter_tag: t.enterTag,
    timeframe: t.timeframe,
    fee_open: t.feeOpen,
    fee_open_cost: null,
    fee_open_currency: null,
    fee_close: t.feeClose,
    fee_close_cost: null,
    fee_close_currency: null,
    open_date: formatDate(t.openDate),
    open_timestamp: t.openDate.getTime(),
    open_fill_date: t.openFillDate ? formatDate(t.openFillDate) : null,
    open_fill_timestamp: ts(t.openFillDate),
    open_rate: t.openRate,
    open_rate_requested: t.openRate,
    open_trade_value: round(openTradeValue, 8),
    close_date: t.closeDate ? formatDate(t.closeDate) : null,
    close_timestamp: ts(t.closeDate),
    realized_profit: t.realizedProfit,
    realized_profit_ratio: t.closeProfit || null,
    close_rate: t.closeRate,
    close_rate_requested: t.closeRate,
    close_profit: t.closeProfit,
    close_profit_pct: pct(t.closeProfit),
    close_profit_abs: t.closeProfitAbs,
    trade_duration_s: durationS,
    trade_duration: durationS === null ? null : Math.floor(durationS / 60),
    profit_ratio: t.closeProfit,
    profit_pct: pct(t.closeProfit),
    profit_abs: t.closeProfitAbs,
    exit_reason: t.exitReason,
    exit_order_status: null,
    stop_loss_abs: t.stopLoss,
    stop_loss_ratio: t.stopLossPct || null,
    stop_loss_pct: t.stopLossPct ? t.stopLossPct * 100 : null,
    stoploss_last_update: t.stoplossLastUpdate ? formatDate(t.stoplossLastUpdate) : null,
    stoploss_last_update_timestamp: ts(t.stoplossLastUpdate ?? null),
    initial_stop_loss_abs: t.initialStopLoss ?? t.stopLoss,
    initial_stop_loss_ratio: (t.initialStopLossPct ?? t.stopLossPct) || null,
    initial_stop_loss_pct: (t.initialStopLossPct ?? t.stopLossPct) ? (t.initialStopLossPct ?? t.stopLossPct ?? 0) * 100 : null,
    min_rate: t.minRate,
    max_rate: t.maxRate,
    leverage: 1.0,
    interest_rate: 0.0,
    liquidation_price: null,
    is_short: false,
    trading_mode: 'spot',
    funding_fees: 0.0,
    amount_precision: null,
    price_precision: null,
    precision_mode: null,
    precision_mode_price: null,
    contract_size: 1,
    has_open_orders: t.isOpen && t.openFillDate === null,
    nr_of_successful_entries: t.orders?.length ? filled('buy') : t.openFillDate ? 1 : 0,
    nr_of_successful_exits: t.orders?.length ? filled('sell') : !t.isOpen ? 1 : 0,
    orders: (t.orders ?? []).map((o) => orderJson(t, o)),
  };
}

/** FreqTrade's Order.to_json(entry_side), as /trades and /forceenter serve it. */
function orderJson(t: LedgerTrade, o: LedgerOrder): Record<string, unknown> {
  return {
    amount: o.amount,
    safe_price: o.price,
    ft_order_side: o.side,
    order_filled_timestamp: ts(o.filledAt),
    ft_is_entry: o.side === 'buy',
    ft_order_tag: o.tag,
    cost: o.cost,
    pair: t.pair,
    order_id: o.orderId,
    status: o.filledAt ? 'closed' : 'open',
    average: o.filled > 0 ? round(o.price, 8) : 0,
    filled: o.filled,
    is_open: o.filledAt === null,
    order_date: formatDate(o.placedAt),
    order_timestamp: o.placedAt.getTime(),
    order_filled_date: o.filledAt ? formatDate(o.filledAt) : null,
    order_type: 'market',
    price: o.price,
    remaining: round(o.amount - o.filled, 8),
    ft_fee_base: o.feeBase,
    funding_fee: 0.0,
  };
}

/** The fields of FreqTrade's OrderSchema: /status and /trade/{id} keep only these of each order. */
const ORDER_SCHEMA_KEYS = [
  'pair', 'order_id', 'status', 'remaining', 'amount', 'safe_price', 'cost', 'filled', 'ft_order_side', 'order_type',
  'is_open', 'order_timestamp', 'order_filled_timestamp', 'ft_fee_base', 'ft_order_tag',
] as const;

/** Field names of FreqTrade's OpenTradeSchema; its response model drops every other key of to_json(). */
const OPEN_TRADE_KEYS = [
  'trade_id', 'pair', 'base_currency', 'quote_currency', 'is_open', 'is_short', 'exchange', 'amount',
  'amount_requested', 'stake_amount', 'max_stake_amount', 'strategy', 'enter_tag', 'timeframe', 'fee_open',
  'fee_open_cost', 'fee_open_currency', 'fee_close', 'fee_close_cost', 'fee_close_currency', 'open_date',
  'open_timestamp', 'open_fill_date', 'open_fill_timestamp', 'open_rate', 'open_rate_requested',
  'open_trade_value', 'close_date', 'close_timestamp', 'close_rate', 'close_rate_requested', 'close_profit',
  'close_profit_pct', 'close_profit_abs', 'profit_ratio', 'profit_pct', 'profit_abs', 'profit_fiat',
  'realized_profit', 'realized_profit_ratio', 'exit_reason', 'exit_order_status', 'stop_loss_abs',
  'stop_loss_ratio', 'stop_loss_pct', 'stoploss_last_update', 'stoploss_last_update_timestamp',
  'initial_stop_loss_abs', 'initial_stop_loss_ratio', 'initial_stop_loss_pct', 'min_rate', 'max_rate',
  'nr_of_successful_entries', 'nr_of_successful_exits', 'has_open_orders', 'orders', 'leverage',
  'interest_rate', 'liquidation_price', 'funding_fees', 'trading_mode', 'amount_precision', 'price_precision',
  'precision_mode', 'stoploss_current_dist', 'stoploss_current_dist_pct', 'stoploss_current_dist_ratio',
  'stoploss_entry_dist', 'stoploss_entry_dist_ratio', 'current_rate', 'total_profit_abs', 'total_profit_fiat',
  'total_profit_ratio',
] as const;

/** TradeSchema, the model of /forceenter's answer: OpenTradeSchema's fields up to precision_mode. */
const TRADE_SCHEMA_KEYS = OPEN_TRADE_KEYS.slice(0, OPEN_TRADE_KEYS.indexOf('precision_mode') + 1);

const schemaOrders = (orders: unknown) =>
  (orders as Record<string, unknown>[]).map((o) => Object.fromEntries(ORDER_SCHEMA_KEYS.map((k) => [k, o[k] ?? null])));

/** POST /forceenter's answer: the new trade as FreqTrade's TradeSchema keeps it. */
export function forceEnterJson(t: LedgerTrade): Record<string, unknown> {
  const full = tradeToJson(t);
  return Object.fromEntries(TRADE_SCHEMA_KEYS.map((k) => [k, k === 'orders' ? schemaOrders(full[k]) : (full[k] ?? null)]));
}

/** One /status or /trade/{id} entry (OpenTradeSchema): the trade plus its profit at the current price. */
export function tradeStatusJson(t: LedgerTrade): Record<string, unknown> {
  const full = t.isOpen ? openTradeFields(t) : closedTradeFields(t);
  return Object.fromEntries(OPEN_TRADE_KEYS.map((k) => [k, k === 'orders' ? schemaOrders(full[k]) : (full[k] ?? null)]));
}

/** A closed trade in _rpc_trade_status(): its close rate and realized profit stand in for the current ones. */
function closedTradeFields(t: LedgerTrade): Record<string, unknown> {
  const stopEntry = t.stopLoss !== null ? profitAtRate(t, t.stopLoss) : null;
  const rate = t.closeRate ?? 0;
  const stopDist = t.stopLoss !== null ? t.stopLoss - rate : null;
  return {
    ...tradeToJson(t),
    current_rate: rate,
    profit_ratio: t.closeProfit ?? 0,
    profit_pct: round((t.closeProfit ?? 0) * 100, 2),
    profit_abs: t.closeProfitAbs ?? 0,
    total_profit_abs: 0,
    stoploss_current_dist: stopDist,
    stoploss_current_dist_ratio: stopDist !== null && rate ? round(stopDist / rate, 8) : null,
    stoploss_current_dist_pct: stopDist !== null && rate ? round((stopDist / rate) * 100, 2) : null,
    stoploss_entry_dist: stopEntry ? stopEntry.profitAbs : null,
    stoploss_entry_dist_ratio: stopEntry ? round(stopEntry.profitRatio, 8) : null,
  };
}

function openTradeFields(t: LedgerTrade): Record<string, unknown> {
  const filled = t.openFillDate !== null;
  const rate = t.lastRate ?? Number.NaN;
  const p = filled && !Number.isNaN(rate) ? profitAtRate(t, rate) : null;
  const stopDist = t.stopLoss !== null && p ? t.stopLoss - rate : null;
  const stopEntry = t.stopLoss !== null ? profitAtRate(t, t.stopLoss) : null;
  return {
    ...tradeToJson(t),
    close_profit: null,
    current_rate: rate,
    profit_ratio: p ? p.profitRatio : filled ? null : 0,
    profit_pct: p ? round(p.profitRatio * 100, 2) : filled ? null : 0,
    profit_abs: p ? p.profitAbs : filled ? null : 0,
    profit_fiat: null,
    total_profit_abs: p ? p.totalProfit : 0,
    total_profit_fiat: null,
    total_profit_ratio: p ? p.totalProfitRatio : null,
    stoploss_current_dist: stopDist,
    stoploss_current_dist_ratio: stopDist !== null ? round(stopDist / rate, 8) : null,
    stoploss_current_dist_pct: stopDist !== null ? round((stopDist / rate) * 100, 2) : null,
    stoploss_entry_dist: stopEntry ? stopEntry.profitAbs : null,
    stoploss_entry_dist_ratio: stopEntry ? round(stopEntry.profitRatio, 8) : null,
  };
}
