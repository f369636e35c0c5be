// Bot lifecycle workflow logic on a real Temporal dev server, with small fake activities to fail each saga step.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createSettledBot } from '../test/bot-workflow.js';
import { fakeBotActivities as fakeActivities, type Calls } from '../test/fake-bot-activities.js';
import { useWorkflowTestEnv } from '../test/workflow-env.js';
import { botState, createBot, deleteBot, moveBot, startBot, stopBot } from './bot.js';

const spec = { name: 'alpha', exchange: 'paper', pairs: ['BTC/USDT'], stakeAmount: 100, stakeCurrency: 'USDT', dryRun: true };

const env = useWorkflowTestEnv({ server: 'own' });

const createAndSettle = (taskQueue: string, input: unknown = spec) => createSettledBot(env.client, taskQueue, input);

describe('bot lifecycle workflow', () => {
  it('provisions through every saga step and answers start/stop/delete updates', async () => {
    const calls: Calls = [];
    await env.withWorker(fakeActivities(calls), async (tq) => {
      const { bot, handle, state } = await createAndSettle(tq);
      expect(bot.status).toBe('provisioning');
      expect(state.status).toBe('running');
      expect(calls).toEqual(['persistBot', 'createBotRuntime', 'startBotRuntime', 'waitBotHealthy', 'setBotStatus:running']);

      await expect(handle.executeUpdate(startBot)).rejects.toThrow(WorkflowUpdateFailedError);
      expect(await handle.executeUpdate(stopBot)).toBe('stopped');
      expect(await handle.executeUpdate(startBot)).toBe('running');
      expect(await handle.executeUpdate(deleteBot)).toBe('deleted');
      await handle.result();
      expect(calls.slice(5)).toEqual([
        'setBotStatus:stopping', 'stopBotRuntime', 'setBotStatus:stopped',
        'setBotStatus:starting', 'startBotRuntime', 'waitBotHealthy', 'setBotStatus:running',
        'setBotStatus:deleting', 'endBotGuards', 'removeBotRuntime', 'deleteBotRecord',
      ]);
    });
  });

  it('answers a repeated create with the same bot and provisions once', async () => {
    const calls: Calls = [];
    await env.withWorker(fakeActivities(calls), async (tq) => {
      const { bot, handle } = await createAndSettle(tq);
      const again = await handle.executeUpdate(createBot, { args: [spec] });
      expect(again.id).toBe(bot.id);
      expect(calls.filter((c) => c === 'persistBot')).toHaveLength(1);
    });
  });

  it('rejects an invalid bot before anything is persisted', async () => {
    const calls: Calls = [];
    await env.withWorker(fakeActivities(calls), async (tq) => {
      await expect(createAndSettle(tq, { ...spec, pairs: [] })).rejects.toThrow(WorkflowUpdateFailedError);
      const error = await createAndSettle(tq, { ...spec, stakeAmount: -1 }).catch((e: WorkflowUpdateFailedError) => e);
      expect((error as WorkflowUpdateFailedError).cause?.message).toMatch(/^stakeAmount: /);
      expect(calls).toEqual([]);
    });
  });

  it.each([
    ['createBotRuntime', ['removeBotRuntime', 'markBotFailed']],
    ['startBotRuntime', ['removeBotRuntime', 'markBotFailed']],
    ['waitBotHealthy', ['removeBotRuntime', 'markBotFailed']],
    ['setBotStatus:running', ['removeBotRuntime', 'markBotFailed']],
  ])('undoes every earlier step when %s fails', async (failAt, undo) => {
    const calls: Calls = [];
    await env.withWorker(fakeActivities(calls, failAt), async (tq) => {
      const { handle, state } = await createAndSettle(tq);
      expect(state.status).toBe('failed');
      expect(state.lastError).toContain(`injected failure in ${failAt}`);
      expect(calls.slice(calls.indexOf(failAt) + 1)).toEqual(undo);
      // A failed bot can still be deleted, which ends its workflow.
      expect(await handle.executeUpdate(deleteBot)).toBe('deleted');
      await handle.result();
    });
  });

  it.each(['RuntimeGone', 'NotPlaced'])('places a bot again when its runtime is lost while it comes up (%s), instead of failing it', async (type) => {
    const calls: Calls = [];
    const acts = fakeActivities(calls);
    let losses = type === 'RuntimeGone' ? 1 : 0;
    const { waitBotHealthy, setBotStatus } = acts;
    acts.waitBotHealthy = async (id, t) => {
      if (losses-- > 0) throw ApplicationFailure.nonRetryable(`the runtime of bot ${id} is gone`, 'RuntimeGone');
      return waitBotHealthy(id, t);
    };
    let unplaced = type === 'NotPlaced' ? 1 : 0;
    acts.setBotStatus = async (id, s, e) => {
      if (s === 'running' && unplaced-- > 0) throw ApplicationFailure.nonRetryable(`bot ${id} has no place in its pool`, 'NotPlaced');
      return setBotStatus(id, s, e);
    };
    await env.withWorker(acts, async (tq) => {
      const { state } = await createAndSettle(tq);
      expect(state).toMatchObject({ status: 'running', step: null });
      expect(calls.filter((c) => c === 'createBotRuntime')).toHaveLength(2);
      expect(calls.filter((c) => c === 'startBotRuntime')).toHaveLength(2);
      expect(calls).not.toContain('markBotFailed');
      expect(calls).not.toContain('removeBotRuntime');
    });
  });

  it('fails a bot whose runtime is lost every time it comes up, and says why', async () => {
    const calls: Calls = [];
    const acts = fakeActivities(calls);
    acts.waitBotHealthy = async (id) => {
      calls.push('waitBotHealthy');
      throw ApplicationFailure.nonRetryable(`the runtime of bot ${id} is gone`, 'RuntimeGone');
    };
    await env.withWorker(acts, async (tq) => {
      const { state } = await createAndSettle(tq);
      expect(state.status).toBe('failed');
      expect(state.lastError).toMatch(/provisioning failed at wait-healthy: the runtime of bot .* is gone/);
      expect(calls.filter((c) => c === 'waitBotHealthy')).toHaveLength(3);
    });
  });

  it('keeps a bot stopped with the reason when it does not come back healthy', async () => {
    const calls: Calls = [];
    const acts = fakeActivities(calls);
    let failHealth = false;
    const waitBotHealthy = acts.waitBotHealthy;
    acts.waitBotHealthy = async (id, t) => {
      if (failHealth) throw ApplicationFailure.nonRetryable('bot did not become healthy');
      return waitBotHealthy(id, t);
    };
    await env.withWorker(acts, async (tq) => {
      const { handle } = await createAndSettle(tq);
      await handle.executeUpdate(stopBot);
      failHealth = true;
      expect(await handle.executeUpdate(startBot)).toBe('stopped');
      expect((await handle.query(botState)).lastError).toMatch(/start failed: .*healthy/);
    });
  });

  it('moves a running bot to another strategy version: stop, switch, start, health check', async () => {
    const calls: Calls = [];
    const target = randomUUID();
    await env.withWorker(fakeActivities(calls), async (tq) => {
      const { handle } = await createAndSettle(tq);
      const before = calls.length;
      const result = await handle.executeUpdate(moveBot, { args: [{ strategyVersionId: target }] });
      expect(result).toMatchObject({ status: 'running', moved: true, versions: { strategyVersionId: target }, error: null });
      expect(calls.slice(before)).toEqual([
        'planBotMove', 'setBotStatus:stopping', 'stopBotRuntime', 'setBotStatus:starting',
        `setBotVersions:${target}`, 'createBotRuntime', 'startBotRuntime', 'waitBotHealthy', 'setBotStatus:running',
      ]);
    });
  });

  it('rolls a move back to the previous version when the new one is not healthy in time', async () => {
    const calls: Calls = [];
    const broken = randomUUID();
    await env.withWorker(fakeActivities(calls, undefined, { unhealthyStrategy: broken }), async (tq) => {
      const { handle } = await createAndSettle(tq);
      const before = calls.length;
      const result = await handle.executeUpdate(moveBot, { args: [{ strategyVersionId: broken }] });
      expect(result).toMatchObject({ status: 'running', moved: false, versions: { strategyVersionId: 'strategy-1' } });
      expect(result.error).toContain(`${broken} did not become healthy`);
      expect(calls.slice(before)).toEqual([
        'planBotMove', 'setBotStatus:stopping', 'stopBotRuntime', 'setBotStatus:starting',
        `setBotVersions:${broken}`, 'createBotRuntime', 'startBotRuntime', 'waitBotHealthy',
        'stopBotRuntime', 'setBotVersions:strategy-1', 'createBotRuntime', 'startBotRuntime', 'waitBotHealthy', 'setBotStatus:running',
      ]);
      expect((await handle.query(botState)).lastError).toMatch(/^move rolled back: /);
    });
  });

  it('refuses a move of a stopped bot before anything runs', async () => {
    const calls: Calls = [];
    await env.withWorker(fakeActivities(calls), async (tq) => {
      const { handle } = await createAndSettle(tq);
      await handle.executeUpdate(stopBot);
      const before = calls.length;
      await expect(handle.executeUpdate(moveBot, { args: [{ strategyVersionId: randomUUID() }] })).rejects.toThrow(WorkflowUpdateFailedError);
      await expect(handle.executeUpdate(moveBot, { args: [{}] })).rejects.toThrow(WorkflowUpdateFailedError);
      expect(calls.slice(before)).toEqual([]);
    });
  });
});
