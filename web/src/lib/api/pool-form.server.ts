// Reads the pools page's forms into the change the API takes: only settings the operator changed, checked for shape
// (whole numbers, host names split); the pool itself checks the values and names the field it refuses.
import type { PoolSettings } from '#lib/types.ts';
import { NUMBER_SETTINGS, parseHosts } from '#lib/pool-view.ts';

export interface SettingsForm {
  poolId: string;
  /** Settings whose input differs from what the form showed (`was.<name>`): a concurrent change elsewhere survives. */
  change: Partial<PoolSettings>;
  values: Record<string, string>;
  problem: { field: string; message: string } | null;
}

const WHOLE = /^-?\d+$/;

export function readSettingsForm(form: FormData): SettingsForm {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const values: Record<string, string> = { poolId: text('poolId') };
  const change: Partial<PoolSettings> = {};
  let problem: SettingsForm['problem'] = null;
  for (const { name } of NUMBER_SETTINGS) {
    const typed = (values[name] = text(name));
    if (typed === text(`was.${name}`)) continue;
    if (!WHOLE.test(typed)) problem ??= { field: name, message: 'must be a whole number' };
    else change[name] = Number(typed);
  }
  const hosts = (values.hosts = text('hosts'));
  if (parseHosts(hosts).join(',') !== parseHosts(text('was.hosts')).join(',')) change.hosts = parseHosts(hosts);
  return { poolId: values.poolId!, change, values, problem };
}
