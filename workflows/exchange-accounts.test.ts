// Exchange account workflow logic on the real Temporal server, with small fake activities: the add saga's undo steps,
// and how a wallet sync handles a rejected key, a down or throttling exchange, and a deleted account.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { failures, fakeExchangeAccountActivities, type Calls, type FakeBehaviour } from '../test/fake-exchange-account-activities.js';
import { useWorkflowTestEnv } from '../test/workflow-env.js';
import { addExchangeAccount, walletSync, type AddExchangeAccountInput } from './exchange-accounts.js';
import { addExchangeAccountWorkflowId, walletSyncScheduleId } from '../domain/workflow-ids.js';

// The run's Temporal server (test/global-setup.ts); these workflows need no search attributes of their own.
const env = useWorkflowTestEnv({ server: 'shared' });

async function run<T>(behaviour: FakeBehaviour, fn: (taskQueue: string) => Promise<T>): Promise<{ calls: Calls; result: T }> {
  const calls: Calls = [];
  return { calls, result: await env.withWorker(fakeExchangeAccountActivities(calls, behaviour), fn) };
}

const input = (): AddExchangeAccountInput => ({
  accountId: randomUUID(), userId: 'u1', exchangeId: 'paper', label: 'Paper', syncIntervalSeconds: 60, sealedCredentials: 'v1.sealed',
});
const add = (tq: string, i = input()) => env.client.workflow.execute(addExchangeAccount, { workflowId: addExchangeAccountWorkflowId(i.accountId), taskQueue: tq, args: [i] });
const sync = (tq: string) => env.client.workflow.execute(walletSync, { workflowId: walletSyncScheduleId(randomUUID()), taskQueue: tq, args: [randomUUID()] });
const failureOf = (error: unknown) => (error as WorkflowFailedError).cause as ApplicationFailure;

describe('addExchangeAccount', () => {
  it('verifies the key, then saves the account, then creates its schedule', async () => {
    const i = input();
    const { calls, result } = await run({}, (tq) => add(tq, i));
    expect(result.id).toBe(i.accountId);
    expect(calls).toEqual(['verifyExchangeCredentials', 'insertExchangeAccount', 'ensureWalletSyncSchedule']);
  });

  it('saves nothing when the exchange rejects the key, and says so with the failure type', async () => {
    const { calls, result } = await run({ failAt: { verifyExchangeCredentials: failures.rejectedKey } }, (tq) => add(tq).catch((e: unknown) => e));
    expect(result).toBeInstanceOf(WorkflowFailedError);
    expect(failureOf(result)).toMatchObject({ type: 'InvalidCredentials', message: 'the exchange rejected this API key/secret' });
    expect(calls).toEqual(['verifyExchangeCredentials']);
  });

  it.each([
    ['insertExchangeAccount', ['deleteExchangeAccountRecord']],
    ['ensureWalletSyncSchedule', ['deleteWalletSyncSchedule', 'deleteExchangeAccountRecord']],
  ])('undoes every earlier step when %s fails', async (failAt, undo) => {
    const { calls, result } = await run({ failAt: { [failAt]: failures.broken } }, (tq) => add(tq).catch((e: unknown) => e));
    expect(failureOf(result).type).toBe('SaveFailed');
    expect(calls.slice(calls.indexOf(failAt) + 1)).toEqual(undo);
  });
});

describe('walletSync', () => {
  it('syncs and returns what it saw', async () => {
    const { calls, result } = await run({}, sync);
    expect(result).toMatchObject({ outcome: 'synced', balances: [{ asset: 'USDT', total: 100 }] });
    expect(calls).toEqual(['syncWallet']);
  });

  it('records a rejected key once (pause and mark, guarded by the run start) and does not retry', async () => {
    const { calls, result } = await run({ failAt: { syncWallet: failures.rejectedKey } }, sync);
    expect(result).toMatchObject({ outcome: 'invalid_credentials' });
    expect(calls).toEqual(['syncWallet', 'rejectAccountKey']);
  });

  it('a stale rejection (the owner resumed the account since the run started) still ends the run without retrying', async () => {
    const { calls, result } = await run({ failAt: { syncWallet: failures.rejectedKey }, resumedSinceSync: true }, sync);
    expect(result).toMatchObject({ outcome: 'invalid_credentials' });
    expect(calls).toEqual(['syncWallet', 'rejectAccountKey']);
  });

  it('resumes the schedule when a key the exchange had rejected works again', async () => {
    const { calls } = await run({ previousStatus: 'invalid_credentials' }, sync);
    expect(calls).toEqual(['syncWallet', 'resumeWalletSyncSchedule']);
  });

  it('retries a down exchange with backoff, then records the error and fails the run', async () => {
    const { calls, result } = await run({ failAt: { syncWallet: failures.exchangeDown } }, (tq) => sync(tq).catch((e: unknown) => e));
    expect(failureOf(result).type).toBe('ExchangeUnavailable');
    expect(calls).toEqual(['syncWallet', 'syncWallet', 'syncWallet', 'syncWallet', 'recordWalletSyncFailure:error']);
  }, 30_000);

  it("waits as long as the exchange's Retry-After says before trying again", async () => {
    const attempts: number[] = [];
    const behaviour: FakeBehaviour = {
      failAt: { syncWallet: () => (attempts.push(Date.now()), attempts.length === 1 ? failures.rateLimited(3000) : undefined) },
    };
    const { result } = await run(behaviour, sync);
    expect(result.outcome).toBe('synced');
    // The policy's own first backoff is 1 s; the exchange asked for 3.
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(2900);
  }, 30_000);

  it('ends quietly when the account was deleted while its schedule fired', async () => {
    const { calls, result } = await run({ failAt: { syncWallet: failures.gone } }, sync);
    expect(result).toEqual({ outcome: 'account_gone' });
    expect(calls).toEqual(['syncWallet']);
  });
});
