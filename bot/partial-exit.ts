// Exits of part of a trade: /forceexit's `amount` checked the way FreqTrade's RPC.__exec_force_exit checks it, and exit
// fills booked the way Trade.update_trade() and recalc_trade_from_orders() book them.
import type { MarketInterface as Market } from 'ccxt';
import { profitRatio } from '../domain/trailing-stop.js';
import { RpcError } from './rpc-error.js';
import { maxStake, type LedgerTrade } from './trade-ledger.js';

/** FreqTrade's DEFAULT_AMOUNT_RESERVE_PERCENT: room for fees above the exchange's minimum order value. */
const AMOUNT_RESERVE_PERCENT = 0.05;

const round8 = (v: number): number => Number(v.toFixed(8));
/** Drops binary noise (0.4901 - 0.2 = 0.29009999999999997) without cutting real digits. */
const clean = (v: number): number => Number(v.toPrecision(15));

/**
 * FreqTrade's Exchange.get_min_pair_stake_amount(): the exchange's minimum order value (cost limit, or amount limit at
 * `price`) with reserves for fees and the stoploss; null when the market has no limits.
 */
export function minPairStake(market: Market, price: number, stoploss: number): number | null {
  const marginReserve = 1 + AMOUNT_RESERVE_PERCENT;
  const sl = Math.abs(stoploss);
  const stoplossReserve = Math.max(Math.min(sl !== 1 ? marginReserve / (1 - sl) : 1.5, 1.5), 1);
  const limits: number[] = [];
  const minCost = market.limits.cost?.min;
  const minAmount = market.limits.amount?.min;
  if (minCost !== undefined && minCost !== null) limits.push(minCost * stoplossReserve);
  if (minAmount !== undefined && minAmount !== null) limits.push(minAmount * price * marginReserve);
  return limits.length ? Math.max(...limits) : null;
}

/**
 * The checks on /forceexit's amount that need no exchange. FreqTrade has none (it exits the whole trade for an amount of
 * 0 or above the trade's); tradefleet refuses such an amount, since a take-profit ladder sending one has lost track.
 */
export function checkExitAmount(trade: LedgerTrade, amount: number | undefined): void {
  if (amount === undefined) return;
  if (!(amount > 0)) throw new RpcError(`Invalid amount ${amount}: it must be greater than 0.`);
  const held = round8(trade.amount);
  if (amount > held) throw new RpcError(`Invalid amount ${amount}: trade ${trade.id} holds ${held} ${baseOf(trade.pair)}.`);
}

export interface ExitAmountInput {
  trade: LedgerTrade;
  /** /forceexit's amount (already through checkExitAmount); undefined for the whole trade. */
  requested: number | undefined;
  /** The exit price: the current bid. */
  rate: number;
  market: Market;
  /** The trade's current stoploss ratio (FreqTrade's stop_loss_pct), negative. */
  stoploss: number;
  /** ccxt's amount_to_precision (rounding down to the market's step), 0 when nothing is left. */
  toPrecision(amount: number): number;
}

/**
 * What a /forceexit sells: null for the whole trade, else the partial amount rounded down to the market's step.
 * Like FreqTrade, an amount of at least the trade's (sellable, step-rounded) amount exits all of it, and a partial exit
 * must leave a remainder worth the pair's minimum stake ("Remaining amount of ... would be too small."). The part sold
 * must also be an order the exchange takes (at least one step, and the market's minimum amount and value).
 */
export function partialExitAmount(x: ExitAmountInput): number | null {
  const { trade, requested, rate, market } = x;
  if (requested === undefined) return null;
  const whole = x.toPrecision(trade.amount);
  if (requested >= whole) return null;
  const minExitStake = minPairStake(market, rate, x.stoploss);
  const remaining = (whole - requested) * rate;
  if (minExitStake !== null && remaining < minExitStake) throw new RpcError(`Remaining amount of ${remaining} would be too small.`);
  const amount = x.toPrecision(requested);
  const minOrder = Math.max(market.limits.cost?.min ?? 0, (market.limits.amount?.min ?? 0) * rate);
  if (!(amount > 0) || amount * rate < minOrder) {
    throw new RpcError(`Exit amount of ${requested} would be too small: ${trade.pair} orders must be worth at least ${minOrder} ${market.quote}.`);
  }
  return amount;
}

export interface ExitFill {
  price: number;
  /** Base amount the exit order filled, and the part of it the exchange took as fee. */
  filled: number;
  feeBase: number;
  feeRate: number;
}

/**
 * Books an exit fill like FreqTrade's update_trade(): one selling the trade's whole step-rounded amount (`whole`) closes
 * it; a smaller one leaves it open with less amount and stake, its profit added to realized_profit. The trade's exit fee
 * ratio comes from its first exit, as FreqTrade's update_fee() sets it once per side. Returns whether the trade closed.
 */
export function bookExitFill(trade: LedgerTrade, fill: ExitFill, reason: string | null, now: Date, whole: number, firstExit: boolean): boolean {
  const sold = fill.filled - fill.feeBase;
  if (firstExit) trade.feeClose = fill.feeRate;
  trade.exitReason = reason;
  trade.maxStakeAmount ??= trade.stakeAmount;
  // FreqTrade's recalc_trade_from_orders: the entry's cost with fees is what realized profit is measured against.
  const totalStake = maxStake(trade) * (1 + trade.feeOpen);
  const profitOf = (amount: number): number => round8(amount * fill.price * (1 - trade.feeClose) - amount * trade.openRate * (1 + trade.feeOpen));
  if (sold < whole - 1e-12) {
    const profit = profitOf(sold);
    trade.realizedProfit = round8(trade.realizedProfit + profit);
    trade.closeProfitAbs = profit;
    trade.closeProfit = totalStake ? trade.realizedProfit / totalStake : 0;
    trade.amount = clean(trade.amount - sold);
    trade.stakeAmount = clean(trade.amount * trade.openRate);
    return false;
  }
  trade.isOpen = false;
  trade.closeRate = fill.price;
  trade.closeDate = now;
  // The rest of the trade, dust below the market's step included, leaves at the exit price.
  const last = profitOf(trade.amount);
  if (firstExit) {
    trade.closeProfitAbs = last;
    trade.closeProfit = profitRatio(trade.openRate, fill.price, trade.feeOpen, trade.feeClose);
  } else {
    trade.closeProfitAbs = round8(trade.realizedProfit + last);
    trade.closeProfit = totalStake ? trade.closeProfitAbs / totalStake : 0;
  }
  trade.realizedProfit = trade.closeProfitAbs;
  return true;
}

function baseOf(pair: string): string {
  return pair.split('/')[0] ?? pair;
}
