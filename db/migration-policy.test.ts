// Migrations are expand-only for one release (docs/releases.md): a rollback runs the previous release's code against
// the new schema, so an Up section may add, never drop, rename, retype or tighten what that code reads or writes. A
// step that must contract says so on a `-- contract:` line naming the release that stopped using the thing.
// Migrations up to POLICY_SINCE predate the rule and are left as they are.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = path.join(import.meta.dirname, 'migrations');
const POLICY_SINCE = 1732500000027;
const CONTRACTING = /\bdrop\s+(table|column|constraint|index|type|view|function|trigger)\b|\brename\b|\balter\s+column\s+\S+\s+(set\s+data\s+)?type\b|\bset\s+not\s+null\b/i;

/** The statements of a migration's Up section that contract the schema, unless the file owns up to it. */
function contractingLines(sql: string): string[] {
  const up = sql.split(/^--\s*Down Migration/m)[0] ?? '';
  if (/^--\s*contract:\s*\S/m.test(up)) return [];
  return up.split('\n').filter((line) => !line.trim().startsWith('--') && CONTRACTING.test(line)).map((l) => l.trim());
}

describe('migration policy', () => {
  it('finds a contracting statement and accepts one that says why', () => {
    expect(contractingLines('-- Up Migration\nalter table bots drop column note;\n-- Down Migration\nalter table bots add column note text;\n'))
      .toEqual(['alter table bots drop column note;']);
    expect(contractingLines('-- Up Migration\nalter table bots rename column a to b;\n')).toHaveLength(1);
    expect(contractingLines('-- Up Migration\nalter table t alter column c type bigint;\n')).toHaveLength(1);
    expect(contractingLines('-- Up Migration\nalter table t alter column c set not null;\n')).toHaveLength(1);
    expect(contractingLines('-- Up Migration\n-- contract: 1.4 stopped reading bots.note\nalter table bots drop column note;\n')).toEqual([]);
    expect(contractingLines('-- Up Migration\nalter table bots add column note text;\ncreate index bots_note on bots (note);\n')).toEqual([]);
  });

  it('every migration after the policy only expands the schema (or says why it contracts)', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql') && Number(f.split('_')[0]) > POLICY_SINCE);
    const offending = files.flatMap((f) => contractingLines(fs.readFileSync(path.join(dir, f), 'utf8')).map((l) => `${f}: ${l}`));
    expect(offending).toEqual([]);
  });
});
