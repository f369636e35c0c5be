// Whole-platform crash recovery: for each fleet size in BENCH_CRASH_BOTS (default 10,50), `npm start` in a throwaway data
// dir, then BENCH_CRASH_RUNS (3) times: a new user's burst of that many creates (4 in 5 pooled, the rest dedicated, all
// with an Idempotency-Key), every platform process SIGKILLed together once a third of them runs, started again, cut
// creates retried, and timed from "ready" until that fleet has converged (every bot running once, its API answering,
// nothing left over; test/fleet-check.ts). Prints each run and the median. (A settled fleet converges at once: its bots
// keep running through the crash.) Needs the setup's images and Docker, like the kill test (test/control-plane-kill.test.ts) whose helpers it uses.
import Docker from 'dockerode';
import { createControlPlane, signUp, type ApiUser } from '../test/control-plane.js';
import { removeDockerThings, retryCut, sendBurst, waitConverged, type BotKind } from '../test/fleet-check.js';

const SIZES = (process.env.BENCH_CRASH_BOTS ?? '10,50').split(',').map(Number);
const RUNS = Number(process.env.BENCH_CRASH_RUNS ?? 3);
const docker = new Docker();
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** A run that has not converged by then is reported with what was wrong, and left out of the median. */
const CONVERGE_MS = Number(process.env.BENCH_CRASH_CONVERGE_MS ?? 180_000);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Bots of `user` the API shows running (this run's burst only). */
async function runningCount(user: ApiUser): Promise<number> {
  const res = await user.call('GET', '/api/bots', undefined, {}, 10_000).catch(() => null);
  return ((res?.body?.bots ?? []) as Array<{ status: string }>).filter((b) => b.status === 'running').length;
}

/** One control plane; each run a new user's burst of `size` creates, killed once a third of them runs. */
async function measure(size: number): Promise<number[]> {
  const plane = await createControlPlane({ MAX_BOTS_PER_USER: String(size + 10) });
  const userIds: string[] = [];
  const cleanUp = async () => {
    await plane.destroy();
    await removeDockerThings(docker, plane, userIds);
  };
  // Ctrl-C leaves neither the platform's processes nor its bots' containers behind.
  const interrupted = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    await plane.start();
    const runs: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const user = await signUp(plane);
      userIds.push(user.userId);
      const kinds: BotKind[] = Array.from({ length: size }, (_, i) => (i % 5 === 4 ? 'dedicated' : 'pool'));
      const t0 = performance.now();
      const { requests, settled } = sendBurst(user, kinds, () => true, `crash ${run}`);
      while ((await runningCount(user)) < Math.ceil(size / 3) && performance.now() - t0 < 300_000) await new Promise((r) => setTimeout(r, 250));
      const killedAt = performance.now() - t0;
      const processes = await plane.kill();
      await settled;
      const restart = await plane.start();
      const t1 = performance.now();
      await retryCut(user, requests);
      const cut = requests.filter((r) => r.answer !== 201);
      if (cut.length) throw new Error(`${cut.length} retried creates did not end 201: ${cut.map((r) => r.answer).join(' ')}`);
      const converged = await waitConverged(plane, user, docker, requests.map((r) => r.botId!), CONVERGE_MS).catch((error: unknown) => {
        console.log(`[${size} bots] run ${run}: ${(error as Error).message}`);
        return null;
      });
      if (!converged) continue;
      const ms = performance.now() - t1;
      runs.push(ms);
      console.log(`[${size} bots] run ${run}: ${processes} processes SIGKILLed ${seconds(killedAt)} into the burst (a third running); ` +
        `npm start ready in ${seconds(restart)}, fleet converged ${seconds(ms)} later (longest shown running while silent ${seconds(converged.longestSilentRunningMs)})`);
    }
    return runs;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanUp();
  }
}

const results: Array<[number, number[]]> = [];
for (const size of SIZES) results.push([size, await measure(size)]);
console.log('\nrestart → converged fleet after a whole-platform SIGKILL (median of runs):');
for (const [size, runs] of results) {
  console.log(`  ${String(size).padStart(4)} bots: ${runs.length ? seconds(median(runs)) : 'no run converged'}  (${runs.length} of ${RUNS} runs converged: ${runs.map(seconds).join(', ')})`);
}
