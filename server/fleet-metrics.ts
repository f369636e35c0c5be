// Fleet metrics the API process reads from PostgreSQL when Prometheus scrapes it: bots by status, unreachable bots,
// exchange accounts by sync status, pool containers' memory/CPU/bots, migration progress. One query per family.
import client from 'prom-client';
import { z } from 'zod';
import { sql, type Db } from '../db/pool.js';

const BotCount = z.object({ status: z.string(), engine: z.string(), placement: z.string(), n: z.coerce.number() });
const Unreachable = z.object({ botId: z.string(), userId: z.string(), seconds: z.coerce.number() });
const AccountCount = z.object({ exchangeId: z.string(), status: z.string(), n: z.coerce.number() });
const PoolContainer = z.object({
  poolId: z.string(), key: z.string(), host: z.string(), status: z.string(),
  memoryBytes: z.coerce.number().nullable(), memoryLimitBytes: z.coerce.number().nullable(), cpuPercent: z.number().nullable(), bots: z.coerce.number(),
});
const MigrationCollection = z.object({ runId: z.string(), collection: z.string(), state: z.string(), copied: z.coerce.number(), sourceCount: z.coerce.number().nullable() });

export function registerFleetMetrics(registry: client.Registry, db: Db): void {
  new client.Gauge({
    name: 'tradefleet_bots', help: 'Bots by status, engine and placement', labelNames: ['status', 'engine', 'placement'] as const, registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.any(sql.type(BotCount)`select status, engine, placement, count(*) as n from bots group by 1, 2, 3`);
      for (const r of rows) this.set({ status: r.status, engine: r.engine, placement: r.placement }, r.n);
    },
  });
  new client.Gauge({
    name: 'tradefleet_bot_unreachable_seconds',
    help: 'Seconds since the fleet reconciler first found a running bot\'s API not answering (only bots that do not answer)',
    labelNames: ['bot_id', 'user_id'] as const, registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.any(sql.type(Unreachable)`
        select id::text as bot_id, user_id::text, extract(epoch from now() - unreachable_since) as seconds
        from bots where unreachable_since is not null and status = 'running'`);
      for (const r of rows) this.set({ bot_id: r.botId, user_id: r.userId }, r.seconds);
    },
  });
  new client.Gauge({
    name: 'tradefleet_exchange_accounts', help: 'Exchange accounts by exchange and wallet-sync status (active, paused, invalid_credentials, error)',
    labelNames: ['exchange', 'status'] as const, registers: [registry],
    async collect() {
      this.reset();
      const rows = await db.any(sql.type(AccountCount)`select exchange_id, status, count(*) as n from exchange_accounts group by 1, 2`);
      for (const r of rows) this.set({ exchange: r.exchangeId, status: r.status }, r.n);
    },
  });
  const poolLabels = ['pool', 'container', 'host'] as const;
  const pools = oncePerScrape(() => db.any(sql.type(PoolContainer)`
    select c.pool_id, c.key, c.host, c.status, c.memory_bytes, c.memory_limit_bytes, c.cpu_percent,
           (select count(*) from bots b where b.pool_container_key = c.key) as bots
    from pool_containers c where c.status <> 'dead'`));
  const poolGauge = (name: string, help: string, value: (r: z.infer<typeof PoolContainer>) => number | null) => new client.Gauge({
    name, help, labelNames: poolLabels, registers: [registry],
    async collect() {
      this.reset();
      for (const r of await pools()) {
        const v = value(r);
        if (v !== null) this.set({ pool: r.poolId, container: r.key, host: r.host }, v);
      }
    },
  });
  poolGauge('tradefleet_pool_container_memory_bytes', 'Memory a pool container uses (last stats)', (r) => r.memoryBytes);
  poolGauge('tradefleet_pool_container_memory_limit_bytes', 'A pool container\'s memory limit', (r) => r.memoryLimitBytes);
  poolGauge('tradefleet_pool_container_cpu_ratio', 'A pool container\'s CPU use (1 = one core, last stats)', (r) => (r.cpuPercent === null ? null : r.cpuPercent / 100));
  poolGauge('tradefleet_pool_container_bots', 'Bots placed in a live pool container', (r) => r.bots);

  const migrationLabels = ['run', 'collection'] as const;
  const collections = oncePerScrape(() => db.any(sql.type(MigrationCollection)`
    select c.run_id, c.collection, c.state, c.copied, c.source_count
    from migration_collections c join migration_runs r on r.id = c.run_id where r.status in ('running', 'paused')`));
  const migrationGauge = (name: string, help: string, value: (r: z.infer<typeof MigrationCollection>) => number | null) => new client.Gauge({
    name, help, labelNames: migrationLabels, registers: [registry],
    async collect() {
      this.reset();
      for (const r of await collections()) {
        const v = value(r);
        if (v !== null) this.set({ run: r.runId, collection: r.collection }, v);
      }
    },
  });
  migrationGauge('tradefleet_migration_documents_copied', 'Documents copied so far per collection of active migration runs (rate: deriv())', (r) => r.copied);
  migrationGauge('tradefleet_migration_collection_copying', '1 while a collection of an active migration run is being copied', (r) => (r.state === 'copying' ? 1 : 0));
  migrationGauge('tradefleet_migration_source_documents', 'Documents in a legacy collection being migrated (counted at the start)', (r) => r.sourceCount);
}

/** prom-client collects a registry's metrics at once: gauges of one family share one query per scrape. */
function oncePerScrape<T>(query: () => Promise<T>): () => Promise<T> {
  let last: { at: number; result: Promise<T> } | null = null;
  return () => {
    if (!last || Date.now() - last.at > 1000) last = { at: Date.now(), result: query() };
    return last.result;
  };
}
