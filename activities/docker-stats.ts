// A container's memory and CPU as `docker stats` shows them, from one sample of the engine's stats API: memory is the
// usage less the inactive page cache (cgroup v2 `inactive_file`, v1 `total_inactive_file`), CPU the share of the
// machine's cores between the sample and the one before it (100 % = one core).
import type Docker from 'dockerode';

export interface DockerStats {
  memory_stats?: { usage?: number; limit?: number; stats?: { inactive_file?: number; total_inactive_file?: number } };
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
}

/** Bytes in use, as `docker stats` counts them. */
export function workingSetBytes(stats: DockerStats): number {
  const cache = stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.total_inactive_file ?? 0;
  return (stats.memory_stats?.usage ?? 0) - cache;
}

/** Percent of one core over the engine's sampling interval (one decimal), or null before a second sample exists. */
export function cpuPercent(stats: DockerStats): number | null {
  const cpuDelta = (stats.cpu_stats?.cpu_usage?.total_usage ?? 0) - (stats.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (stats.cpu_stats?.system_cpu_usage ?? 0) - (stats.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = stats.cpu_stats?.online_cpus ?? 1;
  return systemDelta > 0 ? Math.round((cpuDelta / systemDelta) * cpus * 1000) / 10 : null;
}

/** One container's memory in MiB, sampled now. */
export async function containerMemoryMiB(docker: Docker, containerId: string): Promise<number> {
  const stats = (await docker.getContainer(containerId).stats({ stream: false })) as DockerStats;
  return workingSetBytes(stats) / 2 ** 20;
}
