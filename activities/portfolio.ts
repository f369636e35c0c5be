// Portfolio snapshot activity: values every user who holds something and keeps the minute's point of their history.
import { Context, log } from '@temporalio/activity';
import type { Db } from '../db/pool.js';
import { prunePortfolioSnapshots, usersWithHoldings, valueUserPortfolio } from '../db/portfolio.js';

export interface PortfolioSnapshotsResult {
  users: number;
  failed: number;
  pruned: number;
}

export function createPortfolioActivities(deps: { db: Db; concurrency?: number }) {
  const { db } = deps;
  return {
    /** Idempotent within a minute: a user valued already this minute keeps the point they have. */
    async recordPortfolioSnapshots(): Promise<PortfolioSnapshotsResult> {
      const users = await usersWithHoldings(db);
      let next = 0;
      let failed = 0;
      const worker = async (): Promise<void> => {
        while (next < users.length) {
          const userId = users[next++]!;
          try {
            await valueUserPortfolio(db, userId);
          } catch (error) {
            failed += 1;
            log.warn('portfolio snapshot failed for a user', { userId, error: (error as Error).message });
          }
          Context.current().heartbeat(next);
        }
      };
      await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 4, users.length) }, worker));
      return { users: users.length, failed, pruned: await prunePortfolioSnapshots(db) };
    },
  };
}

export type PortfolioActivities = ReturnType<typeof createPortfolioActivities>;
