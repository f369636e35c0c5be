// Loaded into a benchmarked worker with `--import` (so into every thread, the workflow thread too): on a `probe` line
// on stdin the main thread collects each thread's heap after a full GC (needs --expose-gc) and prints it as one
// `probe {json}` line; on `snapshot` each other thread writes a heap snapshot. (Not a signal: the Temporal runtime shuts the worker down on SIGUSR2.)
import readline from 'node:readline';
import v8 from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

interface ThreadHeap {
  threadId: number;
  usedMiB: number;
  totalMiB: number;
  externalMiB: number;
  contexts: number;
}

const channel = new BroadcastChannel('tradefleet-worker-probe');
channel.unref();
const MiB = 1024 * 1024;
const heap = (): ThreadHeap => {
  (globalThis as { gc?: () => void }).gc?.();
  const h = v8.getHeapStatistics();
  return {
    threadId, usedMiB: h.used_heap_size / MiB, totalMiB: h.total_heap_size / MiB, externalMiB: h.external_memory / MiB,
    contexts: h.number_of_native_contexts,
  };
};

if (isMainThread) {
  let replies: ThreadHeap[] = [];
  channel.onmessage = (e) => {
    const data = (e as MessageEvent).data as { reply?: ThreadHeap };
    if (data.reply) replies.push(data.reply);
  };
  const input = readline.createInterface({ input: process.stdin });
  (process.stdin as { unref?: () => void }).unref?.();
  input.on('line', (line) => {
    if (line.trim() === 'snapshot') return void channel.postMessage({ snapshot: true });
    if (line.trim() !== 'probe') return;
    replies = [heap()];
    channel.postMessage({ sample: true });
    setTimeout(() => {
      const m = process.memoryUsage();
      console.log(`probe ${JSON.stringify({ rssMiB: m.rss / MiB, arrayBuffersMiB: m.arrayBuffers / MiB, threads: replies })}`);
    }, 3000);
  });
} else {
  channel.onmessage = (e) => {
    const data = (e as MessageEvent).data as { sample?: boolean; snapshot?: boolean };
    if (data.sample) channel.postMessage({ reply: heap() });
    // Written into the worker's working directory, named by pid and thread.
    if (data.snapshot) console.log(`snapshot ${v8.writeHeapSnapshot()}`);
  };
}
