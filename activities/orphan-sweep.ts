// The fleet reconciler's sweep on one Docker host: containers and volumes tradefleet labelled that nothing of this
// deployment owns any more (domain/fleet-reconcile.ts pickOrphans decides), removed with their anonymous volumes.
import { log } from '@temporalio/activity';
import type Docker from 'dockerode';
import { pickOrphans, type DockerThing } from '../domain/fleet-reconcile.js';
import { freqtradePoolId } from '../domain/freqtrade-pool.js';
import { existingBotIds, existingUserIds, knownPoolContainerKeys } from '../db/fleet-reconcile.js';
import type { Db } from '../db/pool.js';

export interface OrphanSweepDeps {
  docker: Docker;
  db: Db;
  /** The time leftovers' ages are measured against (tests move it forward instead of waiting a minute). */
  now?: () => number;
}

const gone = (error: unknown): boolean => [404, 409].includes((error as { statusCode?: number }).statusCode ?? 0);

export function createOrphanSweepActivities({ docker, db, now = Date.now }: OrphanSweepDeps) {
  return {
    /** Removes this deployment's leftovers on this host; returns what it removed, with why. */
    async sweepOrphans(poolId: string): Promise<string[]> {
      const containers = await docker.listContainers({ all: true, filters: { label: ['tradefleet.managed=true'] } });
      const volumes = (await docker.listVolumes()).Volumes ?? [];
      const things: DockerThing[] = [
        ...containers.map((c) => ({ kind: 'container' as const, id: c.Id, name: c.Names[0] ?? c.Id, labels: c.Labels ?? {}, createdAt: c.Created * 1000 })),
        ...volumes
          .filter((v) => v.Labels?.['tradefleet.managed'] === 'true' || v.Name.startsWith(`tf-pool-${poolId}-c`))
          .map((v) => ({ kind: 'volume' as const, id: v.Name, name: v.Name, labels: v.Labels ?? {}, createdAt: Date.parse((v as { CreatedAt?: string }).CreatedAt ?? '') || now() })),
      ];
      const pools = [poolId, freqtradePoolId(poolId)];
      const labelled = (name: string) => [...new Set(things.map((t) => t.labels[name]).filter((x): x is string => Boolean(x)))];
      const facts = {
        poolId,
        bots: await existingBotIds(db, labelled('tradefleet.bot')),
        users: await existingUserIds(db, labelled('tradefleet.user')),
        poolKeys: new Set([...(await knownPoolContainerKeys(db, poolId)), ...(await knownPoolContainerKeys(db, freqtradePoolId(poolId)))]),
        poolContainers: new Set(containers.filter((c) => pools.includes(c.Labels['tradefleet.pool'] ?? '')).map((c) => c.Labels['tradefleet.pool-container'] ?? '')),
      };
      const removed: string[] = [];
      // Containers first: a volume still mounted by one cannot go.
      const orphans = pickOrphans(things, facts, now()).sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'container' ? -1 : 1));
      for (const o of orphans) {
        try {
          if (o.kind === 'container') await docker.getContainer(o.id).remove({ force: true, v: true });
          else await docker.getVolume(o.id).remove();
          removed.push(`${o.kind} ${o.name}: ${o.reason}`);
        } catch (error) {
          if (!gone(error)) throw error;
        }
      }
      if (removed.length > 0) log.info('fleet reconcile removed leftovers', { removed });
      return removed;
    },
  };
}

export type OrphanSweepActivities = ReturnType<typeof createOrphanSweepActivities>;
