// The pool scaler's writes of a container's bot list, coalesced: each request bumps the container's wanted generation,
// one loop per container writes until the written generation catches up, and a request resolves once a write that
// started after it has finished. Fifty bots placed at once into one container cost a handful of writes, not fifty.
import { condition } from '@temporalio/workflow';

export function coalescingWriter(write: (key: string) => Promise<void>, canWrite: (key: string) => boolean): (key: string) => Promise<void> {
  const wanted = new Map<string, number>();
  const written = new Map<string, number>();
  const writing = new Set<string>();

  async function loop(key: string): Promise<void> {
    writing.add(key);
    try {
      while ((written.get(key) ?? 0) < (wanted.get(key) ?? 0)) {
        const target = wanted.get(key)!;
        await condition(() => canWrite(key));
        await write(key);
        written.set(key, target);
      }
    } finally {
      writing.delete(key);
    }
  }

  return async (key) => {
    const generation = (wanted.get(key) ?? 0) + 1;
    wanted.set(key, generation);
    if (!writing.has(key)) void loop(key).catch(() => undefined); // the waiting requests see it stop short and fail
    await condition(() => (written.get(key) ?? 0) >= generation || !writing.has(key));
    if ((written.get(key) ?? 0) < generation) throw new Error(`writing the bot list of container ${key} failed`);
  };
}
