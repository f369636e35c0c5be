// Archives as the pool hosts exchange them with Docker: entries listed by name, and some left out of a copy.
import { describe, expect, it } from 'vitest';
import { readTarFile, tarArchive, tarEntries, tarWithout } from './tar.js';

const owned = { uid: 1000, gid: 1000 };

describe('tar archives', () => {
  const archive = tarArchive([
    { name: 'b1', mode: 0o700, ...owned },
    { name: 'b1/config.json', content: '{"a":1}', mode: 0o600, ...owned },
    { name: 'b1/user_data/logs', mode: 0o700, ...owned },
    { name: 'b1/user_data/logs/console.log', content: 'x'.repeat(3000), mode: 0o600, ...owned },
    { name: 'b1/user_data/tradesv3.sqlite', content: 'db', mode: 0o600, ...owned },
  ]);

  it('lists every entry by name', () => {
    expect(tarEntries(archive).map((e) => e.name)).toEqual([
      'b1', 'b1/config.json', 'b1/user_data/logs', 'b1/user_data/logs/console.log', 'b1/user_data/tradesv3.sqlite',
    ]);
  });

  it('leaves out the entries it is told to, keeping the others whole', () => {
    const trimmed = tarWithout(archive, (name) => name.startsWith('b1/user_data/logs/'));
    expect(tarEntries(trimmed).map((e) => e.name)).toEqual(['b1', 'b1/config.json', 'b1/user_data/logs', 'b1/user_data/tradesv3.sqlite']);
    expect(trimmed.length).toBeLessThan(archive.length - 3000);
    expect(readTarFile(tarWithout(trimmed, (name) => name !== 'b1/user_data/tradesv3.sqlite'))?.toString()).toBe('db');
  });
});
