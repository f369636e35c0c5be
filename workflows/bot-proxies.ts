// The bot lifecycle's activities as its workflow calls them: short PostgreSQL writes, Docker calls, the health wait.
import { proxyActivities } from '@temporalio/workflow';
import type { BotGuardActivities } from '../activities/bot-guards.js';
import type { BotMoveActivities } from '../activities/bot-move-activities.js';
import type { BotActivities } from '../activities/bots.js';
import type { PoolPlacementActivities } from '../activities/pool-placement.js';

/** How long a started bot has to answer healthy before the start counts as failed. */
export const HEALTH_TIMEOUT_MS = 60_000;

// Priorities (lower runs first when the queue has a backlog; 3 is the default): a user's quick writes (create, status)
// go before the slot-holding health waits, so a create answers quickly however many bots of a burst are starting. The
// owner's fairness key is inherited from the workflow (server/bot-commands.ts).
export const store = proxyActivities<BotActivities>({
  priority: { priorityKey: 2 },
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 },
});
// A version move's writes and checks (the same short retries); carrying a trade database writes one file.
export const moves = proxyActivities<BotMoveActivities>({
  priority: { priorityKey: 2 },
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 },
});
// Docker calls finish in seconds; a short timeout lets a crashed worker's attempt be retried quickly.
// Ending a deleted bot's guards waits for each guard's workflow to take the cancel.
export const guards = proxyActivities<BotGuardActivities>({
  priority: { priorityKey: 2 },
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 10 },
});
export const runtime = proxyActivities<BotActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 5 },
});
export const health = proxyActivities<BotActivities>({
  priority: { priorityKey: 4 },
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});
// Queuing a placement request with the pool scaler is one signal: quick, and safe to repeat.
export const placement = proxyActivities<PoolPlacementActivities>({
  priority: { priorityKey: 2 },
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 10 },
});
