// Archives as the pool hosts exchange them with Docker: entries listed by name, and some left out of a copy.
import { describe, expect, it } from 'vitest';
import { readTarFile, tarArchive, tarEntries, tarStaysIn, tarWithout, type TarEntry } from './tar.js';

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

  it('says whether an archive unpacks inside one folder only', () => {
    const file = (name: string): TarEntry => ({ name, content: 'x', mode: 0o600, ...owned });
    const link = (name: string, target: string, hard = false): TarEntry => ({ name, link: { target, hard }, mode: 0o777, ...owned });
    expect(tarStaysIn(archive, 'b1')).toBe(true);
    expect(tarStaysIn(archive, 'b2')).toBe(false);
    // A link to anywhere is carried as a link (the bot's sandbox resolves it), but nothing may be unpacked through it.
    expect(tarStaysIn(tarArchive([link('b1/l', '/pool/bots/b2')]), 'b1')).toBe(true);
    expect(tarStaysIn(tarArchive([link('b1/l', '../b2'), file('b1/l/config.json')]), 'b1')).toBe(false);
    expect(tarStaysIn(tarArchive([file('b1/../b2/config.json')]), 'b1')).toBe(false);
    expect(tarStaysIn(tarArchive([file('b1/a'), link('b1/h', 'b1/a', true)]), 'b1')).toBe(true);
    expect(tarStaysIn(tarArchive([link('b1/h', 'b2/config.json', true)]), 'b1')).toBe(false);
    expect(tarEntries(tarArchive([link('b1/h', 'b1/a', true)]))[0]).toMatchObject({ type: '1', linkName: 'b1/a' });
  });
});
