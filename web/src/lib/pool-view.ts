// What the pools page shows and edits: the settings form's fields, and container figures in words.
import type { ContainerStatus, PoolContainerView, PoolSettings } from '#lib/types.ts';

export type NumberSetting = Exclude<keyof PoolSettings, 'hosts'>;

/** The settings form's whole-number fields, in the order the page shows them. */
export const NUMBER_SETTINGS: readonly { name: NumberSetting; label: string; hint: string }[] = [
  { name: 'containerMemoryMb', label: 'Memory per container (MB)', hint: 'Docker memory limit of each pool container.' },
  { name: 'maxBotsPerContainer', label: 'Bots per container, at most', hint: 'Whatever their size.' },
  { name: 'headroom', label: 'Headroom (free bot slots)', hint: 'A new container starts before the pool is this close to full.' },
  { name: 'minContainers', label: 'Containers, at least', hint: 'Kept running even when empty.' },
  { name: 'maxContainers', label: 'Containers, at most', hint: 'Placement refuses bots beyond this.' },
  { name: 'scaleDownCycles', label: 'Scale-down delay (cycles)', hint: 'Reconciles (10 s each) a container must stay removable before it is drained.' },
];

export const SETTING_NAMES: readonly (keyof PoolSettings)[] = [...NUMBER_SETTINGS.map((f) => f.name), 'hosts'];

/** Settings as the form's text inputs hold them. */
export type SettingsText = Record<keyof PoolSettings, string>;

export function settingsText(s: PoolSettings): SettingsText {
  return {
    containerMemoryMb: String(s.containerMemoryMb),
    maxBotsPerContainer: String(s.maxBotsPerContainer),
    headroom: String(s.headroom),
    minContainers: String(s.minContainers),
    maxContainers: String(s.maxContainers),
    scaleDownCycles: String(s.scaleDownCycles),
    hosts: s.hosts.join(', '),
  };
}

/** Hosts typed as free text ("local, gpu-1") to the list the pool takes. */
export const parseHosts = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);

/** Containers that take bots: a bot may be placed or moved there. */
export const takesBots = (status: ContainerStatus): boolean => status === 'ready' || status === 'starting';

/** Bytes as MiB, one decimal: 52428800 → "50.0 MiB"; unknown (no stats yet) → "—". */
export const formatMiB = (bytes: number | null): string =>
  bytes === null ? '—' : `${(bytes / 2 ** 20).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MiB`;

/** "used / limit", as Docker last reported them. */
export const formatContainerMemory = (c: Pick<PoolContainerView, 'memoryBytes' | 'memoryLimitBytes'>): string =>
  `${formatMiB(c.memoryBytes)} / ${formatMiB(c.memoryLimitBytes)}`;

/** Share of the memory limit in use (0..1), for a meter; null before the first stats. */
export const memoryShare = (c: Pick<PoolContainerView, 'memoryBytes' | 'memoryLimitBytes'>): number | null =>
  c.memoryBytes === null || !c.memoryLimitBytes ? null : Math.min(1, c.memoryBytes / c.memoryLimitBytes);

export const formatCpu = (pct: number | null): string =>
  pct === null ? '—' : `${pct.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

export const containerTone = (status: ContainerStatus): 'ok' | 'bad' | 'busy' => (status === 'ready' ? 'ok' : status === 'dead' ? 'bad' : 'busy');
