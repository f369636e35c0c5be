// Every column that holds sealed secrets, and the re-seal of them all under the key ring's newest key (`npm run rotate-keys`).
import { z } from 'zod';
import { sql, type Db } from './pool.js';
import type { SealedPlace, SecretBox } from './secret-box.js';

/** The sealed columns; a new one must be listed here so rotation covers it. */
export const SEALED_COLUMNS = [
  { table: 'bots', column: 'api_credentials' },
  { table: 'exchange_accounts', column: 'credentials' },
  { table: 'notification_channels', column: 'secrets' },
] as const;

const SealedRow = z.object({ id: z.string(), sealed: z.string() });

export interface ResealReport {
  table: string;
  column: string;
  resealed: number;
  /** Rows whose value changed while it was being re-sealed: the writer's new value (sealed with the newest key) stays. */
  skipped: number;
  /** Rows whose value no key of the ring opens (altered, or sealed for another row): left as they are. */
  unreadable: string[];
}

/**
 * Re-seals, in batches and row by row, every value not already sealed with the newest key and bound to its row
 * (older keys, the unbound `v1.` format). Each update applies only if the value is still the one that was read, so
 * the platform keeps running meanwhile; running it again finds nothing left to do.
 */
export async function resealAll(db: Db, box: SecretBox, log: (line: string) => void = () => {}, batchSize = 200): Promise<ResealReport[]> {
  const reports: ResealReport[] = [];
  for (const { table, column } of SEALED_COLUMNS) {
    const report: ResealReport = { table, column, resealed: 0, skipped: 0, unreadable: [] };
    const t = sql.identifier([table]);
    const c = sql.identifier([column]);
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await db.any(sql.type(SealedRow)`
        select id::text, ${c} as sealed from ${t} where id > ${after}::uuid and ${c} <> '' order by id limit ${batchSize}`);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.id;
      for (const row of rows) {
        if (box.isCurrent(row.sealed)) continue;
        const place: SealedPlace = { table, column, row: row.id };
        let plain: string;
        try {
          plain = box.open(row.sealed, place);
        } catch {
          report.unreadable.push(row.id);
          continue;
        }
        const resealed = box.seal(plain, place);
        const changed = await db.query(sql.typeAlias('void')`update ${t} set ${c} = ${resealed} where id = ${row.id}::uuid and ${c} = ${row.sealed}`);
        if (changed.rowCount === 1) report.resealed += 1;
        else report.skipped += 1;
      }
    }
    const notes = [
      report.skipped ? `${report.skipped} changed meanwhile (left as written)` : '',
      report.unreadable.length ? `${report.unreadable.length} do not open with any key of the ring (rows ${report.unreadable.join(', ')})` : '',
    ].filter(Boolean);
    log(`${table}.${column}: re-sealed ${report.resealed}${notes.length ? `; ${notes.join('; ')}` : ''}`);
    reports.push(report);
  }
  return reports;
}
