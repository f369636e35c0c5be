// Activities that manage an account's wallet sync schedule (`wallet-sync:<accountId>`) through the Temporal client.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { findExchangeAccount, markKeyRejected } from '../db/exchange-accounts.js';
import type { Notifier } from '../telemetry/notify.js';
import type { Db } from '../db/pool.js';
import { walletSyncScheduleId } from '../domain/workflow-ids.js';
import { scheduleSettled } from '../temporal/schedule-state.js';

/** The workflow the schedule starts (workflows/exchange-accounts.ts); by name, as activities do not import workflow code. */
const WALLET_SYNC_WORKFLOW = 'walletSync';

const ignoreMissing = (error: unknown): void => {
  if (!(error instanceof ScheduleNotFoundError)) throw error;
};

/** `notifier` tells an account's owner that the exchange rejected its key. */
export function createWalletSyncScheduleActivities(client: Client, taskQueue: string, db: Db, notifier?: Notifier) {
  const handle = (accountId: string) => client.schedule.getHandle(walletSyncScheduleId(accountId));

  return {
    /** Creates the schedule (its first sync runs right away) or, when it exists, sets its interval: safe to retry. */
    async ensureWalletSyncSchedule(input: { accountId: string; intervalSeconds: number }): Promise<void> {
      const scheduleId = walletSyncScheduleId(input.accountId);
      const spec = { intervals: [{ every: input.intervalSeconds * 1000 }] };
      try {
        await client.schedule.create({
          scheduleId,
          spec,
          action: {
            type: 'startWorkflow',
            workflowType: WALLET_SYNC_WORKFLOW,
            workflowId: scheduleId,
            args: [input.accountId],
            taskQueue,
            // A sync that hangs must not block the ones after it forever (overlap policy is SKIP).
            workflowExecutionTimeout: '10 minutes',
          },
          policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
          state: { triggerImmediately: true, note: 'wallet sync of a tradefleet exchange account' },
        });
      } catch (error) {
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
        await handle(input.accountId).update((previous) => ({ ...previous, spec }));
      }
    },

    async deleteWalletSyncSchedule(accountId: string): Promise<void> {
      await handle(accountId).delete().catch(ignoreMissing);
    },

    async pauseWalletSyncSchedule(accountId: string, note: string): Promise<void> {
      await handle(accountId).pause(note).catch(ignoreMissing);
    },

    async resumeWalletSyncSchedule(accountId: string, note: string): Promise<void> {
      await handle(accountId).unpause(note).catch(ignoreMissing);
    },

    /**
     * The exchange rejected the account's key in the sync that started at `syncStartedAt` (ISO): pause the schedule and
     * mark the account, unless the owner resumed it since. Returns whether it did.
     */
    async rejectAccountKey(input: { accountId: string; syncStartedAt: string; message: string }): Promise<boolean> {
      const note = 'paused: the exchange rejected the API key; resume once the key works again';
      // Applied before the account's row lock is let go, so an owner's resume waiting on that lock unpauses after it.
      const marked = await markKeyRejected(db, input.accountId, new Date(input.syncStartedAt), input.message, async () => {
        await handle(input.accountId).pause(note).catch(ignoreMissing);
        await scheduleSettled(handle(input.accountId), true).catch(ignoreMissing);
      });
      const account = marked && notifier ? await findExchangeAccount(db, input.accountId) : null;
      if (account) {
        // Once per rejection (until a sync succeeds again).
        await notifier!.notify({
          userId: account.userId, kind: 'wallet_sync_failing', severity: 'warning', botId: null,
          sourceKey: `wallet-failing:${account.id}:invalid_credentials:${account.lastSuccessAt ?? 'never'}`,
          title: `The exchange rejected the key of account ${account.label}`, body: `${input.message} (wallet sync paused until you resume the account)`,
        });
      }
      return marked;
    },
  };
}

export type WalletSyncScheduleActivities = ReturnType<typeof createWalletSyncScheduleActivities>;
