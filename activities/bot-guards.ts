// What deleting a bot does to the guards that watch it: each live position guard on one of its trades and each risk
// guard scoped to it is cancelled through its own workflow, with the reason kept on the guard.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { guardWorkflowId, riskWorkflowId } from '../domain/workflow-ids.js';
import { sql, type Db } from '../db/pool.js';
import { cancelGuard } from '../workflows/guard-messages.js';
import { cancelRiskGuard } from '../workflows/risk-messages.js';

const Ids = z.object({ id: z.string(), kind: z.enum(['guard', 'risk']) });

/** The guards still live on a bot: position guards watching (or exiting) its trades, risk guards scoped to it. */
export async function liveGuardsOfBot(db: Db, botId: string): Promise<ReadonlyArray<z.infer<typeof Ids>>> {
  return db.any(sql.type(Ids)`
    select id::text, 'guard' as kind from guards where bot_id = ${botId} and state in ('watching', 'exiting')
    union all
    select id::text, 'risk' as kind from risk_guards where bot_id = ${botId} and state <> 'cancelled'
    order by kind, id`);
}

export function createBotGuardActivities({ db, client }: { db: Db; client: Client }) {
  return {
    /** Idempotent: a guard that has ended already (a retried attempt, a cancel by its owner) is left as it is. */
    async endBotGuards(input: { botId: string; reason: string }): Promise<{ ended: number }> {
      let ended = 0;
      for (const g of await liveGuardsOfBot(db, input.botId)) {
        const handle = client.workflow.getHandle(g.kind === 'guard' ? guardWorkflowId(g.id) : riskWorkflowId(g.id));
        try {
          if (g.kind === 'guard') await handle.executeUpdate(cancelGuard, { args: [input.reason] });
          else await handle.executeUpdate(cancelRiskGuard, { args: [input.reason] });
          ended++;
        } catch (error) {
          // Refused (exiting, already cancelled) or its workflow over: it no longer watches the bot.
          if (!(error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError)) throw error;
        }
      }
      return { ended };
    },
  };
}

export type BotGuardActivities = ReturnType<typeof createBotGuardActivities>;
