// The one place that says how every bot container is locked down: all capabilities dropped, no-new-privileges,
// read-only root with a small noexec tmpfs, memory (no swap), CPU and pids limits, a restart policy and bounded logs.
import type Docker from 'dockerode';

export interface ContainerLimits {
  network: string;
  memoryMb: number;
  cpus: number;
  pidsLimit: number;
  /** Size of the /tmp tmpfs. */
  tmpMb: number;
}

/** The container's user: never root. */
export const BOT_UID = 1000;

export type HostConfig = NonNullable<Docker.ContainerCreateOptions['HostConfig']>;

/** Port publishing for the bot API ports (none on the host network, where each bot listens on 127.0.0.1 directly). */
export function publishedPorts(network: string, ports: readonly number[]): Pick<Docker.ContainerCreateOptions, 'ExposedPorts'> & Pick<HostConfig, 'PortBindings'> {
  if (network === 'host') return {};
  const keys = ports.map((p) => `${p}/tcp`);
  return {
    ExposedPorts: Object.fromEntries(keys.map((k) => [k, {}])),
    PortBindings: Object.fromEntries(keys.map((k) => [k, [{ HostIp: '127.0.0.1', HostPort: k.split('/')[0] }]])),
  };
}

export function hardenedHostConfig(limits: ContainerLimits, extra: Partial<HostConfig> = {}): HostConfig {
  return {
    NetworkMode: limits.network,
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
