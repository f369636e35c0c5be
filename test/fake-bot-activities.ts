// Fake bot activities for workflow-logic tests and history recording: they record calls and can fail at a named step.
import { ApplicationFailure } from '@temporalio/common';
import type { BotGuardActivities } from '../activities/bot-guards.js';
import type { BotMoveActivities } from '../activities/bot-move-activities.js';
import type { BotActivities } from '../activities/bots.js';
import type { Bot, BotStatus } from '../domain/bot.js';

export type Calls = string[];

/** Fake activities that record calls and fail (non-retryably) at the named step. */
export function fakeBotActivities(calls: Calls, failAt?: string, options: { unhealthyStrategy?: string; placement?: Bot['placement'] } = {}): BotActivities & BotGuardActivities & BotMoveActivities {
  let status: BotStatus = 'provisioning';
  let strategyVersionId = 'strategy-1';
  const bot = (id: string): Bot => ({
    id, userId: 'u1', name: 'alpha', exchange: 'paper', pairs: ['BTC/USDT'], stakeAmount: 100, stakeCurrency: 'USDT',
    dryRun: true, engine: 'builtin', status, driver: 'docker', runtimeId: null, apiPort: 20000, lastError: null, unreachableSince: null, poolRestarts: null, poolLastExit: null, strategyVersionId, exchangeAccountId: null,
    freqtradeVersion: null, placement: options.placement ?? 'dedicated', poolContainerKey: null, apiHost: null,
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
  });
  const step = async (name: string) => {
    calls.push(name);
    if (name === failAt) throw ApplicationFailure.nonRetryable(`injected failure in ${name}`);
  };
  return {
    persistBot: async (input) => (await step('persistBot'), bot(input.botId)),
    findBot: async (id) => bot(id),
    createBotRuntime: async () => (await step('createBotRuntime'), 'container-1'),
    startBotRuntime: async () => step('startBotRuntime'),
    waitBotHealthy: async () => {
      await step('waitBotHealthy');
      if (strategyVersionId === options.unhealthyStrategy) throw ApplicationFailure.nonRetryable(`${strategyVersionId} did not become healthy`, 'Unhealthy');
    },
    botAnswers: async () => (await step('botAnswers'), true),
    stopBotRuntime: async () => step('stopBotRuntime'),
    removeBotRuntime: async () => step('removeBotRuntime'),
    setBotStatus: async (id, s) => {
      await step(`setBotStatus:${s}`);
      status = s;
      return bot(id);
    },
    markBotFailed: async () => step('markBotFailed'),
    deleteBotRecord: async () => step('deleteBotRecord'),
    endBotGuards: async () => (await step('endBotGuards'), { ended: 0 }),
    planBotMove: async (_id, move) => {
      await step('planBotMove');
      const to = (move as { strategyVersionId: string }).strategyVersionId;
      return { from: { strategyVersionId, freqtradeVersion: null }, to: { strategyVersionId: to, freqtradeVersion: null }, healthTimeoutMs: 10_000 };
    },
    setBotVersions: async (_id, versions) => {
      await step(`setBotVersions:${versions.strategyVersionId}`);
      strategyVersionId = versions.strategyVersionId!;
    },
    pooledBotPlace: async () => (await step('pooledBotPlace'), null),
    importPooledTrades: async () => (await step('importPooledTrades'), []),
    releasePoolPlace: async () => step('releasePoolPlace'),
  };
}

