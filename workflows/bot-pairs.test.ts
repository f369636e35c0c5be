// A change of a bot's pairs as its workflow runs it, on a real Temporal dev server with fake activities: a running bot
// takes the list live, a stopped one keeps it for its next start, a refused pair changes nothing, and a bot that does
// not take the list gets its old one back.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { createSettledBot } from '../test/bot-workflow.js';
import { fakeBotActivities, type Calls } from '../test/fake-bot-activities.js';
import { fakeBotPairActivities } from '../test/fake-bot-pair-activities.js';
import { useWorkflowTestEnv } from '../test/workflow-env.js';
import { botState, changeBotPairs, stopBot } from './bot.js';

const spec = { name: 'alpha', pairs: ['BTC/USDT'], stakeAmount: 100 };
const env = useWorkflowTestEnv({ server: 'own' });

const activities = (calls: Calls, options?: Parameters<typeof fakeBotPairActivities>[1]) => ({ ...fakeBotActivities(calls), ...fakeBotPairActivities(calls, options) });
const after = (calls: Calls, from: number) => calls.slice(from);

describe("changing a bot's pairs", () => {
  it('has a running bot take the new list through its rewritten config, answered once it trades it', async () => {
    const calls: Calls = [];
    await env.withWorker(activities(calls), async (tq) => {
      const { handle } = await createSettledBot(env.client, tq, spec);
      const from = calls.length;
      const result = await handle.executeUpdate(changeBotPairs, { args: [{ pairs: ['BTC/USDT', 'SOL/USDT'] }] });
      expect(result).toEqual({ status: 'running', pairs: ['BTC/USDT', 'SOL/USDT'], previous: ['BTC/USDT'], applied: true });
      expect(after(calls, from)).toEqual(['planBotPairs', 'setBotPairs:BTC/USDT,SOL/USDT', 'createBotRuntime', 'reloadBotConfig', 'waitBotPairs:BTC/USDT,SOL/USDT']);
      // The same list again changes nothing.
      const again = calls.length;
      expect((await handle.executeUpdate(changeBotPairs, { args: [{ pairs: ['BTC/USDT', 'SOL/USDT'] }] })).applied).toBe(true);
      expect(after(calls, again)).toEqual(['planBotPairs']);
    });
  });

  it('refuses a malformed list before it enters the history, and a pair the exchange does not list naming it', async () => {
    const calls: Calls = [];
    await env.withWorker(activities(calls, { refuse: 'NOPE/USDT' }), async (tq) => {
      const { handle } = await createSettledBot(env.client, tq, spec);
      const from = calls.length;
      await expect(handle.executeUpdate(changeBotPairs, { args: [{ pairs: [] }] })).rejects.toThrow(WorkflowUpdateFailedError);
      const error = await handle.executeUpdate(changeBotPairs, { args: [{ pairs: ['BTC/USDT', 'NOPE/USDT'] }] }).catch((e: WorkflowUpdateFailedError) => e);
      expect((error as WorkflowUpdateFailedError).cause?.message).toBe('pairs.1: NOPE/USDT is not listed on paper');
      expect(after(calls, from)).toEqual(['planBotPairs']);
    });
  });

  it('gives a bot that does not take the new list its old one back, and says so', async () => {
    const calls: Calls = [];
    await env.withWorker(activities(calls, { neverTaken: 'ETH/USDT' }), async (tq) => {
      const { handle } = await createSettledBot(env.client, tq, spec);
      const from = calls.length;
      const error = await handle.executeUpdate(changeBotPairs, { args: [{ pairs: ['ETH/USDT'] }] }).catch((e: WorkflowUpdateFailedError) => e);
      expect((error as WorkflowUpdateFailedError).cause?.message).toMatch(/did not take the new pairs .*; it trades BTC\/USDT again/);
      expect(after(calls, from)).toEqual([
        'planBotPairs', 'setBotPairs:ETH/USDT', 'createBotRuntime', 'reloadBotConfig', 'waitBotPairs:ETH/USDT',
        'setBotPairs:BTC/USDT', 'createBotRuntime', 'reloadBotConfig', 'waitBotPairs:BTC/USDT',
      ]);
      expect((await handle.query(botState)).status).toBe('running');
    });
  });

  it("keeps a stopped bot's new list for its next start", async () => {
    const calls: Calls = [];
    await env.withWorker(activities(calls), async (tq) => {
      const { handle } = await createSettledBot(env.client, tq, spec);
      await handle.executeUpdate(stopBot);
      const from = calls.length;
      const result = await handle.executeUpdate(changeBotPairs, { args: [{ pairs: ['ADA/USDT'] }] });
      expect(result).toEqual({ status: 'stopped', pairs: ['ADA/USDT'], previous: ['BTC/USDT'], applied: false });
      expect(after(calls, from)).toEqual(['planBotPairs', 'setBotPairs:ADA/USDT', 'createBotRuntime']);
    });
  });
});
