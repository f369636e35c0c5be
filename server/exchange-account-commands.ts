// Exchange account commands through Temporal: adding runs the addExchangeAccount workflow; pause, resume, sync-now,
// interval changes and deletion act on the account's wallet sync schedule.
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { CreateExchangeAccountInput, ExchangeAccount } from '../domain/exchange-account.js';
import { addExchangeAccountWorkflowId, walletSyncScheduleId } from '../domain/workflow-ids.js';
import { accountCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import { addExchangeAccount } from '../workflows/exchange-accounts.js';
import { scheduleSettled } from '../temporal/schedule-state.js';
import { HttpError } from './errors.js';
import { recordOwnerRequest } from '../db/owner-requests.js';
import type { Db } from '../db/pool.js';

type ParsedCreateInput = z.output<typeof CreateExchangeAccountInput>;

export interface ExchangeAccountCommands {
  /** Verifies the key on the exchange and saves account + schedule; answers once all of it is done (or undone). */
  add(userId: string, input: ParsedCreateInput): Promise<ExchangeAccount>;
  setInterval(accountId: string, seconds: number): Promise<void>;
  pause(accountId: string): Promise<void>;
  resume(accountId: string): Promise<void>;
  syncNow(accountId: string): Promise<void>;
  /** Deletes the schedule; the caller deletes the row after, so a failure here leaves the account whole. */
  removeSchedule(accountId: string): Promise<void>;
}

/** The workflow's failure type says which field or system was at fault. */
function asHttpError(error: unknown): never {
  if (!(error instanceof WorkflowFailedError)) throw error;
  const cause = error.cause;
  if (cause instanceof TimeoutFailure) {
    throw new HttpError(503, 'unavailable', 'the platform did not finish checking the key in time (is the worker running?); nothing was saved, try again');
  }
  const type = cause instanceof ApplicationFailure ? cause.type : undefined;
  const message = cause?.message ?? error.message;
  switch (type) {
    case 'InvalidCredentials':
      throw new HttpError(400, 'invalid_credentials', 'the exchange rejected this API key/secret', 'apiKey');
    case 'UnknownExchange':
      throw new HttpError(400, 'invalid_input', `exchangeId: ${message}`, 'exchangeId');
    case 'QuotaExceeded':
      throw new HttpError(409, 'quota_exceeded', message);
    case 'MissingPassphrase':
      throw new HttpError(400, 'invalid_input', `passphrase: ${message}`, 'passphrase');
    case 'ExchangeUnavailable':
    case 'ExchangeRateLimited':
    case 'ExchangeError':
      throw new HttpError(502, 'exchange_unavailable', `could not reach the exchange to check the key (${message}); nothing was saved, try again in a minute`);
    default:
      throw new HttpError(500, 'internal', 'could not save the account; nothing was saved, try again');
  }
}

const noSchedule = (error: unknown): never => {
  if (error instanceof ScheduleNotFoundError) throw new HttpError(409, 'conflict', 'the account has no sync schedule; it may be being deleted');
  throw error;
};

export function createExchangeAccountCommands(client: Client, taskQueue: string, box: SecretBox, db: Db): ExchangeAccountCommands {
  const schedule = (accountId: string) => client.schedule.getHandle(walletSyncScheduleId(accountId));
  /**
   * Pause and unpause reach the schedule as a signal its scheduler applies a moment later, while describe() answers
   * from the state it has: wait (bounded) until it shows the change, so the owner's next read sees what they asked for.
   */
  const settled = async (accountId: string, paused: boolean) => {
    if (!(await scheduleSettled(schedule(accountId), paused).catch(noSchedule))) {
      throw new HttpError(503, 'unavailable', `the sync schedule did not ${paused ? 'pause' : 'resume'} within 10 s; try again`);
    }
  };
  return {
    async add(userId, input) {
      const accountId = randomUUID();
      // The workflow takes the account's owner from this row, not from its input.
      await recordOwnerRequest(db, 'exchange_account', accountId, userId);
      // Sealed here, so the key and secret never travel in clear text, not even inside the encrypted workflow input.
      const sealedCredentials = box.seal(JSON.stringify({ apiKey: input.apiKey, secret: input.secret, passphrase: input.passphrase }), accountCredentialsPlace(accountId));
      try {
        return await client.workflow.execute(addExchangeAccount, {
          workflowId: addExchangeAccountWorkflowId(accountId),
          taskQueue,
          args: [{ accountId, userId, exchangeId: input.exchangeId, label: input.label, syncIntervalSeconds: input.syncIntervalSeconds, sealedCredentials }],
          // The request is waiting: without a worker, give up (and save nothing) rather than hang.
          workflowExecutionTimeout: '2 minutes',
        });
      } catch (error) {
        asHttpError(error);
      }
    },
    async setInterval(accountId, seconds) {
      await schedule(accountId)
        .update((previous) => ({ ...previous, spec: { intervals: [{ every: seconds * 1000 }] } }))
        .catch(noSchedule);
    },
    async pause(accountId) {
      await schedule(accountId).pause('paused by the account owner').catch(noSchedule);
      await settled(accountId, true);
    },
    async resume(accountId) {
      await schedule(accountId).unpause('resumed by the account owner').catch(noSchedule);
      await settled(accountId, false);
    },
    async syncNow(accountId) {
      // SKIP: a sync already running makes this one redundant.
      await schedule(accountId).trigger(ScheduleOverlapPolicy.SKIP).catch(noSchedule);
    },
    async removeSchedule(accountId) {
      await schedule(accountId)
        .delete()
        .catch((error: unknown) => {
          if (!(error instanceof ScheduleNotFoundError)) throw error;
        });
    },
  };
}
