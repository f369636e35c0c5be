// One hosted bot's runtime: its trader state machine (FreqTrade's State), timestamps, trade ledger and logs.
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { Logger } from './log.js';
import { LogRing } from './log.js';
import { TradeLedger } from './trade-ledger.js';

/** FreqTrade's State enum, as show_config prints it. */
export type TraderState = 'running' | 'paused' | 'stopped' | 'reload_config';

/** FreqTrade defaults `initial_state` to stopped; tradefleet configures every bot with `initial_state: running`. */
export const INITIAL_STATE: TraderState = 'running';

/** An error the bot reports to an API caller; FreqTrade's RPCException (HTTP 502 with {"error"}). */
export class RpcError extends Error {
  override readonly name = 'RpcError';
}

/** The FreqTrade config values tradefleet derives from a hosted bot's configuration. */
export interface TradingSettings {
  /** One open trade per pair at most, as FreqTrade trades spot. */
  maxOpenTrades: number;
  /** Dry-run starting capital: enough for every slot at the configured stake, stake_amount * max_open_trades. */
  dryRunWallet: number;
}

export function tradingSettings(config: HostedBotConfig): TradingSettings {
  const maxOpenTrades = config.pairs.length;
  return { maxOpenTrades, dryRunWallet: config.stakeAmount * maxOpenTrades };
}

export interface StatusMsg {
  status: string;
}

export class BotRuntime {
  state: TraderState = 'stopped';
  /** First time this bot started trading (FreqTrade's bot_start_time); kept for the life of the host process. */
  botStart: Date | null = null;
  /** Last (re)start of the trader (FreqTrade's startup_time). */
  startupTime: Date | null = null;
  /** Last iteration of the trading loop (FreqTrade's last_process); only set while running or paused. */
  lastProcess: Date | null = null;
  readonly ledger = new TradeLedger();
  readonly logs = new LogRing();
  readonly settings: TradingSettings;

  constructor(
    readonly config: HostedBotConfig,
    private readonly logger: Logger,
  ) {
    this.settings = tradingSettings(config);
    this.changeState(INITIAL_STATE, true);
  }

  get id(): string {
    return this.config.botId;
  }

  private note(msg: string, level: 'info' | 'warn' = 'info'): void {
    this.logger.log(level, msg);
    this.logs.push(level, 'tradefleet.bot', msg);
  }

  private changeState(next: TraderState, initial = false): void {
    const prev = this.state;
    this.state = next;
    this.note(`Changing state${initial ? '' : ` from ${prev.toUpperCase()}`} to: ${next.toUpperCase()}`);
    const wasTrading = !initial && (prev === 'running' || prev === 'paused');
    if ((next === 'running' || next === 'paused') && !wasTrading) this.startup();
  }

  /** FreqTrade's startup(): records start times; the trading loop picks the bot up on its next tick. */
  private startup(now = new Date()): void {
    this.botStart ??= this.ledger.all()[0]?.openDate ?? now;
    this.startupTime = now;
  }

  /** One iteration of the trading loop, called by the host's shared ticker. */
  process(now = new Date()): void {
    if (this.state === 'running' || this.state === 'paused') this.lastProcess = now;
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
   * the host's config is fixed for the container's life, so this re-runs startup in the initial state.
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
}
