import { describe, expect, it } from 'vitest';
import { enqueuePlacement, placementPosition, takePlacementBatch, type PlacementRequest } from './pool-queue.js';

const req = (botId: string, userId: string, run = true): PlacementRequest => ({ botId, userId, run, sizeMb: 5, requestId: `${botId}-${run}`, replyTo: `bot:${botId}` });
const queueOf = (...requests: PlacementRequest[]) => requests.reduce<PlacementRequest[]>((q, r) => enqueuePlacement(q, r), []);

describe('placement queue', () => {
  it('keeps one request per bot: a newer one replaces the older where it stood', () => {
    const q = queueOf(req('a1', 'A'), req('a2', 'A'), req('a1', 'A', false));
    expect(q.map((r) => `${r.botId}:${r.run}`)).toEqual(['a1:false', 'a2:true']);
  });

  it('drains users in turn: a bot queued behind another user\'s burst goes in the first batch', () => {
    const burst = Array.from({ length: 300 }, (_, i) => req(`a${i}`, 'A'));
    const q = queueOf(...burst, req('b0', 'B'));
    expect(placementPosition(q, 'b0')).toBe(2);
    const { batch, rest } = takePlacementBatch(q, 10);
    expect(batch.map((r) => r.botId)).toEqual(['a0', 'b0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']);
    expect(rest).toHaveLength(291);
    expect(rest[0]!.botId).toBe('a9');
    expect(placementPosition(rest, 'b0')).toBeNull();
  });

  it('takes everything when the queue is shorter than a batch, and never an empty batch from a queue', () => {
    const q = queueOf(req('a1', 'A'), req('b1', 'B'));
    expect(takePlacementBatch(q, 50)).toEqual({ batch: [q[0], q[1]], rest: [] });
    expect(takePlacementBatch(q, 0).batch).toHaveLength(1);
  });
});
