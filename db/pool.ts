// The slonik pool: every query's rows are camel-cased and validated against the zod type given with `sql.type(...)`.
import { createPool, createSqlTag, SchemaValidationError, type DatabasePool, type Interceptor, type QueryResultRow } from 'slonik';
import { z } from 'zod';

const toCamel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Validates each row with the query's schema (slonik calls it a result parser) after camel-casing its keys. */
const resultParser: Interceptor = {
  name: 'tradefleet-result-parser',
  transformRowAsync: async (context, query, row) => {
    const camel: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) camel[toCamel(key)] = value;
    const parser = context.resultParser;
    if (!parser) return camel as QueryResultRow;
    const result = await parser['~standard'].validate(camel);
    if (result.issues) {
      throw new SchemaValidationError(query, camel as QueryResultRow, result.issues as never);
    }
    return result.value as QueryResultRow;
  },
};

export type Db = DatabasePool;

export async function createDb(databaseUrl: string, options: { maximumPoolSize?: number } = {}): Promise<Db> {
  return createPool(databaseUrl, {
    interceptors: [resultParser],
    maximumPoolSize: options.maximumPoolSize ?? 10,
    // Keep timestamps and numerics in forms zod can check precisely.
    typeParsers: [
      { name: 'timestamptz', parse: (v: string) => new Date(v).toISOString() },
      { name: 'timestamp', parse: (v: string) => new Date(`${v}Z`).toISOString() },
      { name: 'numeric', parse: (v: string) => Number(v) },
      { name: 'int8', parse: (v: string) => Number(v) },
    ],
  });
}

/** `sql` with the schemas our queries use; `sql.type(Schema)` types and validates the rows. */
export const sql = createSqlTag({ typeAliases: { void: z.object({}).strict() } });
