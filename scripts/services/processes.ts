// Child processes with names, prefixed output and an ordered stop: each runs in its own process group so Ctrl-C reaches us first.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** `prefix`: lines to our stdout as `name | line`; a path: appended to that log file; `ignore`: dropped. */
  output?: 'prefix' | 'ignore' | { file: string };
  uid?: number;
  gid?: number;
  /** The signal that asks this program for a clean shutdown (PostgreSQL: SIGINT = fast shutdown). */
  stopSignal?: NodeJS.Signals;
  stopTimeoutMs?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process exits, whoever caused it. */
  readonly exited: Promise<ExitInfo>;
  readonly running: boolean;
  /** True once stop() was called: an exit after that is expected. */
  readonly stopping: boolean;
  /** Asks for a clean shutdown, then SIGKILLs the whole group after the timeout. */
  stop(): Promise<ExitInfo>;
}

const live = new Set<ManagedProcess>();
const colors = [36, 33, 35, 32, 34, 31];
let colorIndex = 0;

const killGroup = (pid: number, signal: NodeJS.Signals | 0): boolean => {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
};

// Last resort if we exit without stopping (crash, process.exit elsewhere): no child outlives us.
process.on('exit', () => {
  for (const p of live) killGroup(p.pid, 'SIGKILL');
});

function pipeLines(stream: Readable | null, write: (line: string) => void): void {
  if (!stream) return;
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', write);
}

export function spawnManaged(name: string, command: string, args: string[], options: SpawnOptions = {}): ManagedProcess {
  const output = options.output ?? 'prefix';
  const logFd = typeof output === 'object' ? fs.openSync(output.file, 'a') : undefined;
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', logFd ?? (output === 'ignore' ? 'ignore' : 'pipe'), logFd ?? (output === 'ignore' ? 'ignore' : 'pipe')],
  });
  if (logFd !== undefined) fs.closeSync(logFd);
  if (child.pid === undefined) {
    throw new Error(`could not start ${name} (${command}): ${child.spawnfile} did not spawn; check that it exists and is executable`);
  }
  const pid = child.pid;
  if (output === 'prefix') {
    const color = process.stdout.isTTY ? colors[colorIndex++ % colors.length] : undefined;
    const tag = color ? `\x1b[${color}m${name.padEnd(9)}|\x1b[0m ` : `${name.padEnd(9)}| `;
    const write = (line: string) => process.stdout.write(tag + line + '\n');
    pipeLines(child.stdout, write);
    pipeLines(child.stderr, write);
  }

  let running = true;
  let stopping = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('error', () => resolve({ code: null, signal: null }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  }).then((info) => {
    running = false;
    live.delete(handle);
    // Helpers the program forked (postgres backends, shells) go with it.
    killGroup(pid, 'SIGKILL');
    return info;
  });

  const handle: ManagedProcess = {
    name,
    pid,
    exited,
    get running() {
      return running;
    },
    get stopping() {
      return stopping;
    },
    async stop() {
      stopping = true;
      if (!running) return exited;
      killGroup(pid, options.stopSignal ?? 'SIGTERM');
      const timeout = options.stopTimeoutMs ?? 10_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeout)));
      const first = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (first === 'timeout') {
        process.stdout.write(`${name} did not stop within ${timeout / 1000}s: killing it\n`);
        killGroup(pid, 'SIGKILL');
      }
      return exited;
    },
  };
  live.add(handle);
  return handle;
}

/** Every managed process still running, in the order they were started. */
export const liveProcesses = (): ManagedProcess[] => [...live];

/**
 * Stops every managed process one at a time: those named in `order` first, in that order, then the rest newest first
 * (services started in parallel do not have a meaningful start order).
 */
export async function stopAll(log: (line: string) => void = () => {}, order: string[] = []): Promise<void> {
  const rank = (p: ManagedProcess) => (order.includes(p.name) ? order.indexOf(p.name) : order.length);
  const queue = [...live].reverse().sort((a, b) => rank(a) - rank(b));
  for (const p of queue) {
    const t0 = performance.now();
    const info = await p.stop();
    const how = info.signal ? `signal ${info.signal}` : `code ${info.code}`;
    log(`stopped ${p.name} (${how}, ${((performance.now() - t0) / 1000).toFixed(1)}s)`);
  }
}

/** Runs a short command to completion; rejects with its output when it fails. */
export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`}):\n${out.trim()}`));
    });
  });
}
