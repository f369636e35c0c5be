// A live SSE stream of whole snapshots (a user's guards, the pools): one at once, then a fresh one after changes.
import type { Request, Response } from 'express';
import { openEventStream } from './sse.js';

/** At most one snapshot per client this often, however fast prices move or containers report stats. */
const THROTTLE_MS = 500;

export interface SnapshotStreamOptions {
  /** The SSE event each snapshot is sent as. */
  event: string;
  /** Reads the snapshot now. A failed read sends nothing: the next change reads again. */
  read(): Promise<unknown>;
  /** Calls `changed` whenever the snapshot may have changed; returns the unsubscribe. */
  subscribe(changed: () => void): () => void;
  heartbeatMs: number;
}

export function streamSnapshots(req: Request, res: Response, options: SnapshotStreamOptions): void {
  const stream = openEventStream(req, res, options.heartbeatMs);
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const send = () => options.read().then((snapshot) => !closed && stream.send(options.event, snapshot)).catch(() => undefined);
  // A burst of changes within the window costs one read: the snapshot read at its end holds them all.
  const changed = () => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void send();
    }, THROTTLE_MS);
  };
  void send();
  const unsubscribe = options.subscribe(changed);
  stream.onClose(() => {
    closed = true;
    unsubscribe();
    if (timer) clearTimeout(timer);
  });
}
