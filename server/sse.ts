// One Server-Sent Events stream: headers, numbering that continues a Last-Event-ID, retry hint, heartbeats, cleanup.
import type { Request, Response } from 'express';
import type { Gauge } from 'prom-client';
import type { Quotas } from './quotas.js';

export interface EventStream {
  send(event: string, data: unknown): void;
  /** Runs when the client goes away. */
  onClose(cleanup: () => void): void;
}

/** A Last-Event-ID the stream can continue from: a non-negative integer, else numbering starts over. */
const lastEventId = (header: string | undefined): number => {
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
};

export function openEventStream(req: Request, res: Response, heartbeatMs: number): EventStream {
  // Before any byte is written, so a refused stream is a plain 429 answer naming the limit.
  const release = (req.app.locals as { quotas?: Quotas }).quotas?.openStream(req) ?? (() => {});
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  let seq = lastEventId(req.header('last-event-id'));
  res.write('retry: 2000\n\n');
  const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
  const gauge = (req.app.locals as { sseStreams?: Gauge<'route'> }).sseStreams;
  const route = `${req.baseUrl}${req.route?.path ? String(req.route.path) : ''}`;
  gauge?.inc({ route });
  const cleanups: Array<() => void> = [() => clearInterval(heartbeat), release, () => gauge?.dec({ route })];
  req.on('close', () => cleanups.forEach((cleanup) => cleanup()));
  return {
    send(event, data) {
      seq += 1;
      res.write(`id: ${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose: (cleanup) => void cleanups.push(cleanup),
  };
}
