// CPU seconds of the processes a benchmark runs (with their child processes where asked) and of the whole machine,
// from /proc, so a figure can be read against what else the (possibly shared) machine was doing.
import fs from 'node:fs';
import os from 'node:os';

const TICK = 100; // USER_HZ

export interface Measured {
  pid: number;
  /** Count its descendants too (PostgreSQL works in child processes). */
  tree?: boolean;
}

/** User + system CPU seconds of the process (all its threads), with its descendants when asked. */
function cpuSeconds({ pid, tree }: Measured): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of tree ? fs.readdirSync('/proc') : [String(pid)]) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  const within = (p: number): boolean => {
    for (let x: number | undefined = p, depth = 0; x !== undefined && depth < 20; x = stats.get(x)?.ppid, depth++) if (x === pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [p, s] of stats) if (within(p)) ticks += s.ticks;
  return ticks / TICK;
}

/** Busy and total CPU seconds of the machine (all cores). */
function machineSeconds(): { busy: number; total: number } {
  const [, ...values] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const idle = n[3]! + n[4]!;
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICK, total: total / TICK };
}

export interface CpuSample {
  at: number;
  groups: Record<string, number>;
  machine: { busy: number; total: number };
}

/** Samples CPU of named processes and of the machine; `report` says % of one core for each. */
export function cpuMeter(groups: Record<string, Measured>) {
  const sample = (): CpuSample => ({
    at: performance.now(),
    groups: Object.fromEntries(Object.entries(groups).map(([name, measured]) => [name, cpuSeconds(measured)])),
    machine: machineSeconds(),
  });
  return {
    sample,
    report(from: CpuSample, to: CpuSample = sample()): string {
      const seconds = (to.at - from.at) / 1000;
      const parts = Object.keys(groups).map((name) => `${name} ${(((to.groups[name]! - from.groups[name]!) / seconds) * 100).toFixed(0)} %`);
      const busy = (to.machine.busy - from.machine.busy) / (to.machine.total - from.machine.total);
      const ours = Object.keys(groups).reduce((sum, name) => sum + to.groups[name]! - from.groups[name]!, 0) / seconds;
      return `${parts.join(', ')} of a core; machine ${(busy * 100).toFixed(0)} % busy of ${os.cpus().length} cores, ` +
        `${Math.max(0, busy * os.cpus().length - ours).toFixed(2)} cores used by others`;
    },
  };
}
