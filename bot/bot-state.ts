// One hosted bot's runtime: its trader state machine (FreqTrade's State), timestamps, strategy, trade ledger, locks and logs.
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { Strategy } from '../domain/strategy.js';
import { timeframeMs } from '../domain/strategy-eval.js';
import type { BotSnapshot } from './bot-snapshot.js';
import { BotStats } from './bot-stats.js';
import { DryRunBroker, LiveBroker } from './brokers.js';
import { DEFAULT_STRATEGY } from './default-strategy.js';
import { createClient, errorText } from './exchange-access.js';
import type { Logger } from './log.js';
import { LogRing } from './log.js';
import type { MarketHub } from './market-data.js';
import { PairBlacklist } from './pair-blacklist.js';
import { PairLocks } from './pair-locks.js';
import { checkExitAmount } from './partial-exit.js';
import { RpcError } from './rpc-error.js';
import { TradeLedger, type LedgerTrade } from './trade-ledger.js';
import { INITIAL_STATE, tradingSettings, type StatusMsg, type TraderState, type TradingSettings } from './trader-settings.js';
import { Trader } from './trader.js';
import { dryRunWallets, walletFigures, type WalletBalance } from './wallet.js';

export { RpcError } from './rpc-error.js';

export interface BotRuntimeDeps {
  clock?: () => number;
  /** The host's shared market data; without it (or without an exchange profile) the bot serves its API but does not trade. */
  hub?: MarketHub;
  retryBaseMs?: number;
  /** A saved state to continue from: trades, locks, pending orders and the trader state. */
  restore?: BotSnapshot;
  /** Called whenever something a saved state holds may have changed (the host saves the bot a little later). */
  onChange?: () => void;
}

/** Live balances are read from the exchange at most this often, and after every fill. */
const LIVE_BALANCE_MAX_AGE_MS = 10_000;

export class BotRuntime {
  state: TraderState = 'stopped';
  /** First time this bot started trading (FreqTrade's bot_start_time); kept in the bot's saved state. */
  botStart: Date | null = null;
  /** Last (re)start of the trader (FreqTrade's startup_time). */
  startupTime: Date | null = null;
  /** End of the last trading-loop iteration (FreqTrade's last_process); only set while running or paused. */
  lastProcess: Date | null = null;
  readonly ledger = new TradeLedger();
  readonly logs = new LogRing();
  /** Counts for the platform's metrics (the pool host's control socket serves them). */
  readonly stats = new BotStats();
  readonly strategy: Strategy;
  readonly settings: TradingSettings;
  readonly locks: PairLocks;
  readonly blacklist: PairBlacklist;
  readonly clock: () => number;
  /** The trading engine; null when the config names no exchange. */
  readonly trader: Trader | null = null;
  private readonly live: LiveBroker | null = null;
  private liveBalances: { at: number; wallets: WalletBalance[] } | null = null;
  private readonly onChange: () => void;
  /** The loop iteration in progress, which a stopping host waits for. */
  private iteration: Promise<void> | null = null;

  constructor(
    readonly config: HostedBotConfig,
    private readonly logger: Logger,
    deps: BotRuntimeDeps = {},
  ) {
    this.clock = deps.clock ?? Date.now;
    this.strategy = config.strategy ?? DEFAULT_STRATEGY;
    this.settings = tradingSettings(config, this.strategy);
    this.locks = new PairLocks(timeframeMs(this.strategy.timeframe));
    this.onChange = deps.onChange ?? (() => undefined);
    const saved = deps.restore;
    this.blacklist = new PairBlacklist(saved?.blacklist ?? []);
    if (saved) {
      this.ledger.restore(saved.trades, saved.lastTradeId);
      this.locks.restore({ nextId: saved.nextLockId, locks: saved.locks });
      this.botStart = saved.botStart;
    }
    this.changeState(saved?.state ?? INITIAL_STATE, true);
    if (deps.hub && config.exchangeProfile) {
      const feed = deps.hub.exchange(config.exchangeProfile);
      const log = (level: 'info' | 'warn', msg: string) => this.note(msg, level);
      if (!config.dryRun && config.credentials) {
        const client = createClient(config.exchangeProfile, this.clock, config.credentials);
        this.live = new LiveBroker(client, feed, { log, retryBaseMs: deps.retryBaseMs });
      }
      this.trader = new Trader({
        config, strategy: this.strategy, feed, ledger: this.ledger, locks: this.locks, clock: this.clock, log,
        broker: this.live ?? new DryRunBroker(this.clock),
        maxOpenTrades: () => this.settings.maxOpenTrades,
        blocked: (pair) => this.blacklist.blocks(pair),
        onFill: () => {
          this.liveBalances = null;
        },
        onChange: this.onChange,
        availableStake: async () => walletFigures(this.ledger, await this.wallets(true), config.stakeCurrency).availableStakeAmount,
      });
      if (saved) this.trader.restorePending(saved.pendingOrders);
    }
    if (saved) this.note(`Restored ${saved.trades.length} trades (${this.ledger.open().length} open) from the saved state.`);
  }

  get id(): string {
    return this.config.botId;
  }

  note(msg: string, level: 'info' | 'warn' = 'info'): void {
    this.logger.log(level, msg);
    this.logs.push(level, 'tradefleet.bot', msg, new Date(this.clock()));
  }

  private changeState(next: TraderState, initial = false): void {
    const prev = this.state;
    this.state = next;
    this.note(`Changing state${initial ? '' : ` from ${prev.toUpperCase()}`} to: ${next.toUpperCase()}`);
    const wasTrading = !initial && (prev === 'running' || prev === 'paused');
    if ((next === 'running' || next === 'paused') && !wasTrading) this.startup();
    if (!initial) this.onChange();
  }

  /** What a saved state holds (see bot-snapshot.ts); reload_config is a passing state and saves as running. */
  snapshot(): BotSnapshot {
    const locks = this.locks.snapshot();
    return {
      dryRun: this.config.dryRun,
      state: this.state === 'reload_config' ? 'running' : this.state,
      botStart: this.botStart,
      lastTradeId: this.ledger.lastTradeId,
      trades: [...this.ledger.all()],
      locks: locks.locks,
      nextLockId: locks.nextId,
      pendingOrders: this.trader?.pendingOrders() ?? [],
      blacklist: this.blacklist.list(),
    };
  }

  /** Resolves once the trading iteration or forced entry/exit in progress (and any queued behind it) is done. */
  async idle(): Promise<void> {
    await this.iteration;
    await this.trader?.exclusive(async () => undefined);
  }

  /** FreqTrade's startup(): records start times; the trading loop picks the bot up on its next tick. */
  private startup(): void {
    const now = new Date(this.clock());
    this.botStart ??= this.ledger.all()[0]?.openDate ?? now;
    this.startupTime = now;
  }

  /** One iteration of the trading loop, called by the host's shared ticker; exchange errors are logged, never thrown. */
  process(): Promise<void> {
    // A call while an iteration runs joins it, as the host's ticker does for all bots.
    this.iteration ??= this.iterate().finally(() => {
      this.iteration = null;
    });
    return this.iteration;
  }

  private async iterate(): Promise<void> {
    if (this.state !== 'running' && this.state !== 'paused') return;
    if (this.trader) {
      const started = performance.now();
      let failed = false;
      try {
        await this.trader.iterate(this.state === 'running');
      } catch (err) {
        failed = true;
        this.note(`Trading loop error: ${errorText(err)}`, 'warn');
      }
      this.stats.iteration((performance.now() - started) / 1000, failed);
    }
    this.lastProcess = new Date(this.clock());
  }

  /** FreqTrade's active whitelist: the configured pairs less the blacklisted ones. */
  activePairs(): string[] {
    return this.config.pairs.filter((p) => !this.blacklist.blocks(p));
  }

  /** Tells the host that something its saved state holds changed (blacklist, locks) outside the trading loop. */
  changed(): void {
    this.onChange();
  }

  /** The bot's wallets: simulated in dry-run, the exchange account's balances when live. */
  async wallets(fresh = false): Promise<WalletBalance[]> {
    if (!this.live) return dryRunWallets(this.ledger, this.settings.dryRunWallet, this.config.stakeCurrency);
    if (!fresh && this.liveBalances && Date.now() - this.liveBalances.at < LIVE_BALANCE_MAX_AGE_MS) return this.liveBalances.wallets;
    try {
      this.liveBalances = { at: Date.now(), wallets: await this.live.balances() };
    } catch (err) {
      if (!this.liveBalances) throw new RpcError(`Unable to read balances from the exchange: ${errorText(err)}`);
      this.note(`Unable to refresh balances (${errorText(err)}); showing the last known ones.`, 'warn');
    }
    return this.liveBalances.wallets;
  }

  start(): StatusMsg {
    if (this.state === 'running') return { status: 'already running' };
    this.changeState('running');
    return { status: 'starting trader ...' };
  }

  stop(): StatusMsg {
    if (this.state === 'stopped') return { status: 'already stopped' };
    this.changeState('stopped');
    const open = this.ledger.open().length;
    if (open) this.note(`${open} open trades active. Handle them manually, or /start the bot again and use /stopentry.`, 'warn');
    return { status: 'stopping trader ...' };
  }

  /** /pause, /stopentry and /stopbuy: keep managing open trades but enter no new ones. */
  pause(): StatusMsg {
    if (this.state === 'stopped') {
      this.changeState('paused');
      return { status: 'starting bot with trader in paused state, no entries will occur. Run /start to enable entries.' };
    }
    if (this.state === 'running') this.changeState('paused');
    return { status: 'paused, no more entries will occur from now. Run /start to enable entries.' };
  }

  /**
   * /reload_config. FreqTrade rebuilds its bot from the config file and comes back in its initial state;
   * a new config reaches a hosted bot only through the host (which restarts it), so this re-runs startup in the initial state.
   */
  reloadConfig(): StatusMsg {
    this.changeState('reload_config');
    this.changeState(INITIAL_STATE);
    return { status: 'Reloading config ...' };
  }

  /** /count: FreqTrade refuses it while the trader is stopped. */
  count(): { current: number; max: number; total_stake: number } {
    if (this.state === 'stopped') throw new RpcError('trader is not running');
    const open = this.ledger.open();
    return {
      current: open.length,
      max: this.settings.maxOpenTrades,
      total_stake: open.reduce((s, t) => s + t.openRate * t.amount, 0),
    };
  }

  /** /forceenter: FreqTrade's _rpc_force_entry validations, then a market entry at the current ask. */
  async forceEnter(pair: string, opts: { side?: string; price?: number; stakeAmount?: number; tag?: string }): Promise<LedgerTrade> {
    // show_config's force_entry_enable is true exactly for bots with an exchange to trade on.
    if (!this.trader) throw new RpcError('Force_entry not enabled.');
    if (this.state === 'stopped') throw new RpcError('trader is not running');
    const trader = this.trader;
    if (opts.side === 'short') throw new RpcError("Can't go short on Spot markets.");
    if (opts.price !== undefined) throw new RpcError('tradefleet bots enter at market: a limit price is not supported.');
    return trader.exclusive(async () => {
      const market = await trader.marketFor(pair);
      if (!market || market.active === false) throw new RpcError('Symbol does not exist or market is not active.');
      if (market.quote !== this.config.stakeCurrency) {
        throw new RpcError(`Wrong pair selected. Only pairs with stake-currency ${this.config.stakeCurrency} allowed.`);
      }
      const open = this.ledger.open();
      const existing = open.find((t) => t.pair === pair);
      if (existing) throw new RpcError(`position for ${pair} already open - id: ${existing.id}`);
      if (open.length >= this.settings.maxOpenTrades) throw new RpcError('Maximum number of trades is reached.');
      const trade = await trader.enter(pair, opts.tag ?? 'force_entry', opts.stakeAmount ?? this.config.stakeAmount);
      if (!trade?.openFillDate) throw new RpcError(`Failed to enter position for ${pair}.`);
      return trade;
    });
  }

  /**
   * /forceexit: one trade by id, or "all"; FreqTrade's messages. With `amount`, only that much of the trade is sold
   * (FreqTrade's partial exit): the trade stays open with less amount and stake, and its profit counts as realized.
   */
  async forceExit(tradeId: string, amount?: number): Promise<{ result: string }> {
    if (this.state === 'stopped') throw new RpcError('trader is not running');
    const trader = this.trader;
    const all = { result: 'Created exit orders for all open trades.' };
    if (!trader) {
      if (tradeId === 'all') return all;
      throw new RpcError('invalid argument');
    }
    return trader.exclusive(async () => {
      if (tradeId === 'all') {
        for (const trade of this.ledger.open()) await trader.forceExit(trade);
        return all;
      }
      const trade = /^\d+$/.test(tradeId) ? this.ledger.byId(Number(tradeId)) : undefined;
      if (!trade?.isOpen) throw new RpcError('invalid argument');
      checkExitAmount(trade, amount);
      if (!(await trader.forceExit(trade, amount))) throw new RpcError('Failed to exit trade.');
      return { result: `Created exit order for trade ${tradeId}.` };
    });
  }
}
