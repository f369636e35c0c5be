// Real worker processes for fault tests: `worker/main.ts` started on a test platform's task queue, and SIGKILLed.
import { spawn, type ChildProcess } from 'node:child_process';
import type { PlatformConfig } from '../domain/config.js';

/** Starts a worker process on a test platform's task queue and exchange (extra env wins); its output is drained so it never blocks. */
export function spawnWorker(config: Pick<PlatformConfig, 'TEMPORAL_TASK_QUEUE' | 'PAPER_EXCHANGE_URL' | 'BOT_SOCKET_DIR' | 'BOT_API_ADDRESS'>, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    env: {
      // The platform's socket root and gateway address: the test reaches its bots where the worker put them.
      ...process.env, TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE, PAPER_EXCHANGE_URL: config.PAPER_EXCHANGE_URL,
      BOT_SOCKET_DIR: config.BOT_SOCKET_DIR, BOT_API_ADDRESS: config.BOT_API_ADDRESS,
      BOT_DRIVER: 'docker', BOT_PLACEMENT: 'dedicated', LOG_LEVEL: 'warn', WORKER_METRICS_ADDRESS: '', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

/** SIGKILL, resolved once the process is gone (at once if it already is). */
export const killWorker = (child: ChildProcess): Promise<void> =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
