// The pool scaler's queue of placement requests: one entry per bot (a newer request replaces the older one where it
// stood), drained in batches that take users in turn, so one user's burst cannot hold back another user's bot.
// Deterministic: the pool workflow runs this code.
import type { BotPlacementRequest, PlacedBot } from './pool.js';

/** A bot workflow's request for a place (run=true) or to stop in its place (run=false), answered by signal to `replyTo`. */
export interface PlacementRequest extends BotPlacementRequest {
  userId: string;
  /** Names this request in the answer; a re-sent request keeps it. */
  requestId: string;
  /** Workflow id of the bot workflow that waits for the answer; null when nobody waits (the answer is not sent). */
  replyTo: string | null;
}

/** The pool's answer: where the bot is, or why it could not be placed. */
export interface PlacementAnswer {
  requestId: string;
  placed: PlacedBot | null;
  error: string | null;
}

/** The queue with `request` added: a bot already waiting keeps its place and takes the newer request. */
export function enqueuePlacement(queue: readonly PlacementRequest[], request: PlacementRequest): PlacementRequest[] {
  const at = queue.findIndex((r) => r.botId === request.botId);
  if (at < 0) return [...queue, request];
  const next = [...queue];
  next[at] = request;
  return next;
}

/** The queue in the order it is drained: each user's requests in arrival order, users in turn (by first arrival). */
export function fairOrder(queue: readonly PlacementRequest[]): PlacementRequest[] {
  const byUser = new Map<string, PlacementRequest[]>();
  for (const r of queue) {
    const list = byUser.get(r.userId);
    if (list) list.push(r);
    else byUser.set(r.userId, [r]);
  }
  const lists = [...byUser.values()];
  const order: PlacementRequest[] = [];
  for (let round = 0; order.length < queue.length; round++) {
    for (const list of lists) if (round < list.length) order.push(list[round]!);
  }
  return order;
}

/** The next batch of at most `max` requests, taken fairly across users, and what stays queued (in arrival order). */
export function takePlacementBatch(queue: readonly PlacementRequest[], max: number): { batch: PlacementRequest[]; rest: PlacementRequest[] } {
  const batch = fairOrder(queue).slice(0, Math.max(1, max));
  const taken = new Set(batch);
  return { batch, rest: queue.filter((r) => !taken.has(r)) };
}

/** 1-based place of a bot's request in drain order, or null when it is not queued. */
export function placementPosition(queue: readonly PlacementRequest[], botId: string): number | null {
  const at = fairOrder(queue).findIndex((r) => r.botId === botId);
  return at < 0 ? null : at + 1;
}
