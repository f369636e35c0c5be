// The one place that says how every bot container is locked down: no network (its ways out are the sockets in its
// directory, domain/bot-channel.ts), all capabilities dropped, no-new-privileges, read-only root with a small noexec
// tmpfs, memory (no swap), CPU and pids limits, a restart policy and bounded logs.
import type Docker from 'dockerode';

export interface ContainerLimits {
  memoryMb: number;
  cpus: number;
  pidsLimit: number;
  /** Size of the /tmp tmpfs. */
  tmpMb: number;
}

/** The container's user: never root. */
export const BOT_UID = 1000;

export type HostConfig = NonNullable<Docker.ContainerCreateOptions['HostConfig']>;

export function hardenedHostConfig(limits: ContainerLimits, extra: Partial<HostConfig> = {}): HostConfig {
  return {
    NetworkMode: 'none',
    Memory: limits.memoryMb * 1024 * 1024,
    MemorySwap: limits.memoryMb * 1024 * 1024,
    NanoCpus: Math.round(limits.cpus * 1e9),
    PidsLimit: limits.pidsLimit,
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    ReadonlyRootfs: true,
    Tmpfs: { '/tmp': `rw,noexec,nosuid,size=${limits.tmpMb}m` },
    RestartPolicy: { Name: 'unless-stopped' },
    LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    ...extra,
  };
}
