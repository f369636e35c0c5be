// Test support: reads an app's Server-Sent Events stream over a real socket; every frame keeps its arrival time.
import type { Server } from 'node:http';
import type { Express } from 'express';

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
  /** performance.now() when the frame arrived. */
  at: number;
}

export interface SseStream {
  events: SseEvent[];
  /** Comment lines (`: ping`) and `retry:` values seen so far. */
  comments: string[];
  retry: number | null;
  /** Resolves with the first event from index `from` on that matches. */
  next(match: (e: SseEvent) => boolean, timeoutMs?: number, from?: number): Promise<SseEvent>;
  close(): Promise<void>;
}

export async function openSse(app: Express, path: string, headers: Record<string, string>): Promise<SseStream> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  const abort = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: abort.signal });
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`not an event stream: ${res.status} ${await res.text()}`);
  const stream: SseStream = {
    events: [],
    comments: [],
    retry: null,
    async next(match, timeoutMs = 10_000, from = 0) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = stream.events.slice(from).find(match);
        if (found) return found;
        if (performance.now() > deadline) throw new Error(`no matching SSE event within ${timeoutMs} ms (${stream.events.length} seen)`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      abort.abort();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  void (async () => {
    let buf = '';
    try {
      for await (const chunk of res.body!) {
        buf += Buffer.from(chunk).toString();
        let end: number;
        while ((end = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const e: SseEvent = { id: null, event: 'message', data: '', at: performance.now() };
          let isEvent = false;
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
            else if (line.startsWith('retry: ')) stream.retry = Number(line.slice(7));
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) ((e.data += line.slice(6)), (isEvent = true));
          }
          if (isEvent) stream.events.push(e);
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return stream;
}
