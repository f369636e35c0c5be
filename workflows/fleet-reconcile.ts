// Fleet reconciler (Temporal Schedule `fleet-reconcile@<queue>`, every 10 s, overlaps skipped): one pass compares every
// bot that claims to run with its API answering (recording since when it has not), sends each bot found dead a
// reviveBot signal (its own workflow alone changes its status), and sweeps leftovers off each Docker host of the pool.
// Pool containers themselves are the pool scaler's: its own 10 s reconcile replaces dead ones and adopts strangers.
import { getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { BotActivities } from '../activities/bots.js';
import type { FleetReconcileActivities } from '../activities/fleet-reconcile.js';
import type { OrphanSweepActivities } from '../activities/orphan-sweep.js';
import { planRepairs } from '../domain/fleet-reconcile.js';
import { botWorkflowId, dockerQueue } from '../domain/workflow-ids.js';
import { reviveBot } from './bot-messages.js';
import { messageOf } from './failure-message.js';

// A pass that cannot finish is left to the next one 10 s later: short timeouts, few retries, so the schedule (which
// skips overlapping passes) is never held up by one stuck call.
// Its heartbeat catches a lost worker in 15 s; the long close bound is for a thousand bots all silent (2 s each, 16 at once).
const observe = proxyActivities<FleetReconcileActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 2 },
});
const store = proxyActivities<BotActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});
const sweepOn = (host: string) =>
  proxyActivities<OrphanSweepActivities>({
    taskQueue: dockerQueue(host),
    // A host whose worker is gone must not hold the pass.
    scheduleToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 1 },
  });

export interface FleetReconcileResult {
  watched: number;
  silent: number;
  revived: string[];
  failed: string[];
  swept: string[];
}

export async function fleetReconcileWorkflow(input: { poolId?: string } = {}): Promise<FleetReconcileResult> {
  const { sightings, hosts, watched } = await observe.observeFleet();
  const result: FleetReconcileResult = { watched: watched ?? sightings.length, silent: sightings.filter((s) => !s.answers).length, revived: [], failed: [], swept: [] };
  const seen = new Map(sightings.map((s) => [s.botId, s.status]));
  for (const repair of planRepairs(sightings, Date.now())) {
    try {
      await getExternalWorkflowHandle(botWorkflowId(repair.botId)).signal(reviveBot, { reason: repair.reason, seen: seen.get(repair.botId)! });
      result.revived.push(repair.botId);
    } catch (error) {
      // No workflow runs the bot any more (terminated by hand): nothing will ever start it, so say so in its row.
      log.warn('a dead bot has no workflow; marking it failed', { botId: repair.botId, error: messageOf(error) });
      await store.markBotFailed(repair.botId, `${repair.reason}; its workflow is gone, delete the bot and create it again`);
      result.failed.push(repair.botId);
    }
  }
  if (input.poolId) {
    for (const host of hosts) {
      try {
        result.swept.push(...(await sweepOn(host).sweepOrphans(input.poolId)));
      } catch (error) {
        log.warn('leftover sweep did not run on a Docker host', { host, error: messageOf(error) });
      }
    }
  }
  return result;
}
