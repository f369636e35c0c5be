// What a bot's trader works with (its config, strategy, market feed, broker, ledger, locks, clock and callbacks), apart
// from the trader so its order desk can take the same dependencies without importing the trader.
import type { HostedBotConfig } from '../domain/bot-host-config.js';
import type { Strategy } from '../domain/strategy.js';
import type { Broker } from './brokers.js';
import type { ExchangeFeed } from './market-data.js';
import type { PairLocks } from './pair-locks.js';
import type { TradeLedger } from './trade-ledger.js';

export interface TraderDeps {
  config: HostedBotConfig;
  strategy: Strategy;
  feed: ExchangeFeed;
  broker: Broker;
  ledger: TradeLedger;
  locks: PairLocks;
  clock: () => number;
  maxOpenTrades: () => number;
  /** Whether the blacklist keeps the bot from entering the pair. */
  blocked?: (pair: string) => boolean;
  /** Stake currency the bot may still put into trades (the wallet's available stake amount). */
  availableStake: () => Promise<number>;
  log(level: 'info' | 'warn', msg: string): void;
  /** Called after every fill (live balances are stale then). */
  onFill?(): void;
  /** Called after every loop iteration and forced entry or exit: the ledger, locks or pending orders may have changed. */
  onChange?(): void;
}
