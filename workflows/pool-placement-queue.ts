// The pool scaler's placement queue: bot workflows signal their requests (requestPlacement), the scaler drains them in
// batches (reserve every bot, save once, set every attached flag in one write, write each touched container's bot list)
// and answers each bot workflow by signal (placementAnswer). Nothing waits in a worker slot: a thousand queued bots are
// a thousand entries in this workflow's memory. Closures over the scaler's state (workflows/pool.ts owns it).
import { condition, getExternalWorkflowHandle, log, setHandler } from '@temporalio/workflow';
import { CONTAINER_BASE_MB, findBot, type PoolContainer, type PoolState } from '../domain/pool.js';
import { enqueuePlacement, placementPosition as positionIn, takePlacementBatch, type PlacementAnswer, type PlacementRequest } from '../domain/pool-queue.js';
import { placementAnswer } from './bot-messages.js';
import { messageOf } from './failure-message.js';
import { placementPosition, requestPlacement } from './pool-messages.js';
import type { poolDb } from './pool-proxies.js';

/** Requests placed per batch: one save, one attached-flags write and a few bot-list writes each. */
export const PLACEMENT_BATCH = 100;

export interface PlacementQueueDeps {
  state: PoolState;
  /** Requests carried over from the last run. */
  pending: PlacementRequest[];
  ready(): Promise<unknown>;
  save(): Promise<void>;
  writeBots(key: string): Promise<void>;
  reserve(botId: string, sizeMb: number): Promise<PoolContainer>;
  moveOut(botId: string, sizeMb: number, from: PoolContainer): Promise<void>;
  db: ReturnType<typeof poolDb>;
  wake(): void;
}

export function createPlacementQueue(deps: PlacementQueueDeps) {
  const { state, db } = deps;
  let queue: PlacementRequest[] = [...deps.pending];
  let busy = false;
  let closing = false;

  async function answer(request: PlacementRequest, result: Omit<PlacementAnswer, 'requestId'>): Promise<void> {
    if (!request.replyTo) return;
    // A bot deleted meanwhile has no workflow to answer: nothing waits for this answer then.
    await getExternalWorkflowHandle(request.replyTo).signal(placementAnswer, { requestId: request.requestId, ...result })
      .catch((error: unknown) => log.warn('placement answer not delivered', { botId: request.botId, error: messageOf(error) }));
  }

  /** Puts the bot where it belongs: a new reservation, or out of a dead or draining container; null when released meanwhile. */
  async function locate(request: PlacementRequest): Promise<PoolContainer | null> {
    const found = findBot(state, request.botId);
    if (found && (found.status === 'dead' || found.status === 'draining')) await deps.moveOut(request.botId, request.sizeMb, found);
    else if (!found) await deps.reserve(request.botId, request.sizeMb);
    return findBot(state, request.botId);
  }

  async function placeBatch(batch: PlacementRequest[]): Promise<void> {
    await deps.ready();
    type Located = { request: PlacementRequest; c: PoolContainer | null; error: string | null };
    const located = await Promise.all(batch.map(async (request): Promise<Located> => {
      try {
        const c = await locate(request);
        return { request, c, error: c ? null : `bot ${request.botId} was released while it was being placed` };
      } catch (error) {
        return { request, c: null, error: messageOf(error) };
      }
    }));
    await deps.save();
    const placed = located.filter((x): x is Located & { c: PoolContainer } => x.c !== null);
    const before = placed.length ? await db.setBotsAttached(placed.map(({ request }) => ({ botId: request.botId, attached: request.run }))) : {};
    const changed = placed.filter(({ request }) => before[request.botId] !== undefined && before[request.botId] !== request.run);
    const keys = [...new Set(changed.map(({ c }) => c.key))];
    // Starts are answered once placed (the bot's health wait sees it come up); stops wait for their container's write.
    const writes = new Map(keys.map((key) => [key, deps.writeBots(key).then(() => null, (error: unknown) => messageOf(error))]));
    for (const [key, written] of writes) void written.then((error) => error && log.warn('bot list not written; the next reconcile writes it', { key, error }));
    if (keys.length) deps.wake();
    await Promise.all(located.map(async (x) => {
      if (!x.c) return answer(x.request, { placed: null, error: x.error });
      const failed = !x.request.run && writes.has(x.c.key) ? await writes.get(x.c.key)! : null;
      // Where the bot is now (a container that failed to start has had its bots placed elsewhere).
      const where = findBot(state, x.request.botId) ?? x.c;
      return answer(x.request, failed
        ? { placed: null, error: failed }
        : { placed: { poolId: state.poolId, containerKey: where.key, host: where.host }, error: null });
    }));
  }

  async function drain(): Promise<void> {
    for (;;) {
      await condition(() => queue.length > 0 && !closing);
      const { batch, rest } = takePlacementBatch(queue, PLACEMENT_BATCH);
      queue = rest;
      busy = true;
      try {
        await placeBatch(batch);
      } catch (error) {
        log.error('placement batch failed; its bots ask again', { bots: batch.length, error: messageOf(error) });
      } finally {
        busy = false;
      }
    }
  }

  setHandler(requestPlacement, (request) => {
    if (typeof request?.botId !== 'string' || typeof request.run !== 'boolean') return void log.warn('malformed placement request ignored');
    if (!(request.sizeMb > 0) || request.sizeMb > state.settings.containerMemoryMb - CONTAINER_BASE_MB) {
      void answer(request, { placed: null, error: `a bot of ${request.sizeMb} MB does not fit a container of ${state.settings.containerMemoryMb} MB` });
      return;
    }
    queue = enqueuePlacement(queue, request);
  });
  setHandler(placementPosition, (botId) => positionIn(queue, botId));

  return {
    /** Starts draining (after the handlers are set, before the scaler's first await). */
    start: () => void drain(),
    /** Takes no new batch; the run is about to continue as new. */
    close: () => void (closing = true),
    idle: () => !busy,
    /** What the next run takes over. */
    pending: () => queue,
  };
}
