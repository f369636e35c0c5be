// A bot the fleet reconciler found dead: its workflow starts it again, or stops it with the reason, and ignores a
// stale finding. Real Temporal dev server, fake activities.
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createSettledBot } from '../test/bot-workflow.js';
import { fakeBotActivities, type Calls } from '../test/fake-bot-activities.js';
import { useWorkflowTestEnv } from '../test/workflow-env.js';
import { botState, reviveBot, startBot, stopBot } from './bot.js';

const spec = { name: 'alpha', exchange: 'paper', pairs: ['BTC/USDT'], stakeAmount: 100, stakeCurrency: 'USDT', dryRun: true };
const env = useWorkflowTestEnv({ server: 'own' });

/** Fake activities whose bot does not answer while `dead.now` is set; a restart brings it back unless `dead.forever`. */
function dyingBot(calls: Calls) {
  const acts = fakeBotActivities(calls);
  const dead = { now: false, forever: false };
  acts.botAnswers = async () => {
    calls.push(dead.now ? 'botAnswers:silent' : 'botAnswers');
    return !dead.now;
  };
  const healthy = acts.waitBotHealthy;
  acts.waitBotHealthy = async (id, t) => {
    if (dead.now && dead.forever) {
      calls.push('waitBotHealthy:silent');
      throw ApplicationFailure.nonRetryable('bot did not become healthy within 60 s: connect ECONNREFUSED', 'Unhealthy');
    }
    return healthy(id, t);
  };
  return { acts, dead };
}

/** Waits until calls made after `before` end with `last`. */
async function settled(calls: Calls, before: number, last: string): Promise<void> {
  for (let i = 0; i < 100 && !(calls.length > before && calls.at(-1) === last); i++) await new Promise((r) => setTimeout(r, 100));
}

describe('reviveBot', () => {
  it('starts a dead running bot again: one more look, then its runtime is created, started and checked', async () => {
    const calls: Calls = [];
    const { acts, dead } = dyingBot(calls);
    await env.withWorker(acts, async (tq) => {
      const { handle } = await createSettledBot(env.client, tq, spec);
      const before = calls.length;
      dead.now = true;
      await handle.signal(reviveBot, { reason: 'unreachable since 2026-12-06T10:00:00.000Z', seen: 'running' });
      await settled(calls, before, 'setBotStatus:running');
      expect(calls.slice(before)).toEqual([
        'botAnswers:silent', 'setBotStatus:starting', 'createBotRuntime', 'startBotRuntime', 'waitBotHealthy', 'setBotStatus:running',
      ]);
      expect(await handle.query(botState)).toMatchObject({ status: 'running', step: null });
    });
  });

  it('stops a bot that does not come back, with the reason, and gives its place back', async () => {
    const calls: Calls = [];
    const { acts, dead } = dyingBot(calls);
    await env.withWorker(acts, async (tq) => {
      const { handle } = await createSettledBot(env.client, tq, spec);
      dead.now = dead.forever = true;
      await handle.signal(reviveBot, { reason: 'unreachable since 2026-12-06T10:00:00.000Z', seen: 'running' });
      await settled(calls, 0, 'setBotStatus:stopped');
      const state = await handle.query(botState);
      expect(state.status).toBe('stopped');
      expect(state.lastError).toMatch(/^unreachable since .*; starting it again failed at wait-healthy: .*ECONNREFUSED/);
      expect(calls.slice(-2)).toEqual(['stopBotRuntime', 'setBotStatus:stopped']);
    });
  });

  it('leaves alone a bot whose status moved on since the pass, and one that answers again', async () => {
    const calls: Calls = [];
    const { acts } = dyingBot(calls);
    await env.withWorker(acts, async (tq) => {
      const { handle } = await createSettledBot(env.client, tq, spec);
      let before = calls.length;
      await handle.signal(reviveBot, { reason: 'unreachable', seen: 'running' });
      await settled(calls, before, 'setBotStatus:running');
      expect(calls.slice(before)).toEqual(['botAnswers', 'setBotStatus:running']);
      await handle.executeUpdate(stopBot);
      before = calls.length;
      // Commands run in arrival order: the start that follows shows the stale finding did nothing.
      await handle.signal(reviveBot, { reason: 'unreachable', seen: 'running' });
      expect(await handle.executeUpdate(startBot)).toBe('running');
      expect(calls.slice(before)).toEqual(['setBotStatus:starting', 'startBotRuntime', 'waitBotHealthy', 'setBotStatus:running']);
    });
  });
});
