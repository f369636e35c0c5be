// Waiting for a schedule's pause or unpause to take effect: both reach the scheduler as a patch it applies a moment later.
import type { ScheduleHandle } from '@temporalio/client';

/** Polls until describe() shows `paused`; false when it still does not after `timeoutMs`. */
export async function scheduleSettled(handle: ScheduleHandle, paused: boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while ((await handle.describe()).state.paused !== paused) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}
