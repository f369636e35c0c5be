// The pools page's settings form sends only what the operator changed, so a setting someone else changed meanwhile
// (another operator, a scale that raised minContainers) is not put back; text that is not a whole number never leaves.
import { describe, expect, it } from 'vitest';
import { readSettingsForm } from './pool-form.server.ts';

const shown = { containerMemoryMb: '512', maxBotsPerContainer: '50', headroom: '5', minContainers: '0', maxContainers: '20', scaleDownCycles: '3', hosts: 'local' };

function submit(typed: Partial<typeof shown>): FormData {
  const form = new FormData();
  form.set('poolId', 'default');
  for (const [name, value] of Object.entries(shown)) {
    form.set(`was.${name}`, value);
    form.set(name, typed[name as keyof typeof shown] ?? value);
  }
  return form;
}

describe('pool settings form', () => {
  it('sends only the settings the operator changed', () => {
    const read = readSettingsForm(submit({ headroom: ' 2 ', hosts: 'local,  gpu-1' }));
    expect(read).toMatchObject({ poolId: 'default', problem: null, change: { headroom: 2, hosts: ['local', 'gpu-1'] } });
    expect(Object.keys(read.change)).toEqual(['headroom', 'hosts']);
    expect(readSettingsForm(submit({ hosts: 'local ,' })).change).toEqual({});
  });

  it('names the first input that is not a whole number, and keeps what was typed to show it again', () => {
    const read = readSettingsForm(submit({ headroom: 'two', maxContainers: '2.5' }));
    expect(read.problem).toEqual({ field: 'headroom', message: 'must be a whole number' });
    expect(read.values).toMatchObject({ headroom: 'two', maxContainers: '2.5', poolId: 'default' });
  });

  it('passes numbers out of range on: the pool answers with its own limits', () => {
    expect(readSettingsForm(submit({ containerMemoryMb: '-4' })).change).toEqual({ containerMemoryMb: -4 });
  });
});
