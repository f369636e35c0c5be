// Which runtime runs a bot, and where a new bot goes: a dedicated builtin container or process (the worker's driver), a
// dedicated FreqTrade container, or a place in the pool of its engine (builtin and FreqTrade bots never share one).
import { ApplicationFailure } from '@temporalio/common';
import type { Bot, BotPlacement } from '../domain/bot.js';
import { DEFAULT_FREQTRADE_VERSION } from '../domain/freqtrade-config.js';
import type { FreqtradeRuntime } from './freqtrade-runtime.js';
import type { BotRuntimeDriver } from './runtime-driver.js';

export interface RuntimeChoiceDeps {
  /** Runs dedicated builtin bots: a container each, or a local process. */
  driver: BotRuntimeDriver;
  /** Runs dedicated `freqtrade` bots; null without a Docker engine (such bots are then refused at creation). */
  freqtrade?: FreqtradeRuntime | null;
  /** Places builtin bots in pool containers; null without a Docker engine (bots are then dedicated). */
  pool?: BotRuntimeDriver | null;
  /** Places FreqTrade bots in FreqTrade pool containers; null without a Docker engine. */
  freqtradePool?: BotRuntimeDriver | null;
  /** Where builtin bots go unless they ask. */
  defaultPlacement?: BotPlacement;
  /** Where FreqTrade bots go unless they ask (absent: dedicated). */
  freqtradePlacement?: BotPlacement;
}

export function createRuntimeChoice(deps: RuntimeChoiceDeps) {
  const { driver } = deps;
  function freqtradeRuntime(): FreqtradeRuntime {
    if (!deps.freqtrade) throw ApplicationFailure.nonRetryable('FreqTrade bots need a Docker engine, and this worker has none', 'NoDocker');
    return deps.freqtrade;
  }

  /** The pool of the bot's engine (builtin bots and FreqTrade bots never share a container). */
  function poolRuntime(bot: Pick<Bot, 'engine'>): BotRuntimeDriver {
    const pool = bot.engine === 'freqtrade' ? deps.freqtradePool : deps.pool;
    if (!pool) throw ApplicationFailure.nonRetryable('pooled bots need a Docker engine, and this worker has none', 'NoDocker');
    return pool;
  }

  /** Start/stop/inspect of whichever runtime runs the bot; nothing above this knows the engine or the placement. */
  const runtimeOf = (bot: Bot) => (bot.placement === 'pool' ? poolRuntime(bot) : bot.engine === 'freqtrade' ? freqtradeRuntime() : driver);
  /** A dedicated FreqTrade bot: its own container, config and strategy written into its volume. */
  const dedicatedFreqtrade = (bot: Bot): boolean => bot.engine === 'freqtrade' && bot.placement !== 'pool';

  /** Where a new bot goes: what it asked for, else the platform's default for its engine (a pool needs Docker). */
  function placementOf(engine: Bot['engine'], asked: BotPlacement | undefined, freqtradeVersion: string | null): BotPlacement {
    if (asked) return asked;
    if (engine === 'freqtrade') {
      // The pool runs the default release only: a bot on another one gets a container of its own.
      const poolable = deps.freqtradePool && freqtradeVersion === DEFAULT_FREQTRADE_VERSION;
      return poolable ? (deps.freqtradePlacement ?? 'dedicated') : 'dedicated';
    }
    return deps.pool ? (deps.defaultPlacement ?? 'pool') : 'dedicated';
  }

  return { freqtradeRuntime, poolRuntime, runtimeOf, dedicatedFreqtrade, placementOf };
}
