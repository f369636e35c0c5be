// Mongo → Postgres migration `migration:<runId>`: plan → dual-write on → backfill each collection in a child workflow →
// verify (counts + range checksums, mismatches re-copied) → operator's `approveCutover` → cutover → archive.
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  ContinueAsNew,
  continueAsNew,
  executeChild,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  sleep,
  allHandlersFinished,
  workflowInfo,
} from '@temporalio/workflow';
import type { MigrationActivities } from '../activities/migration.js';
import { fieldError } from '../domain/field-error.js';
import type { LegacyCollection } from '../domain/legacy-model.js';
import {
  ApproveCutoverInput,
  type CollectionOutcome,
  type MigrationWorkflowInput,
  type MigrationWorkflowState,
} from '../domain/migration-run.js';
import { collectionWorkflowId } from '../domain/workflow-ids.js';
import {
  abortCollection,
  abortMigration,
  approveCutover,
  migrationProgress,
  pauseMigration,
  resumeMigration,
} from './migration-messages.js';

export * from './migration-messages.js';

const NON_RETRYABLE = ['MongoUrlMissing', 'NothingToMigrate', 'RunNotFound'];
const steps = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '20 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
});
// One activity reads a whole collection: no overall deadline, but a dead worker is noticed within the heartbeat timeout.
const longSteps = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '7 days',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', nonRetryableErrorTypes: NON_RETRYABLE },
});

/** Child `migration:<runId>/<collection>`: the backfill of one collection, which pause/resume/abort reach through signals. */
export async function migrateCollectionWorkflow(input: { runId: string; collection: LegacyCollection; batchSize: number }): Promise<CollectionOutcome> {
  let paused = false;
  let aborted = false;
  setHandler(pauseMigration, () => void (paused = true));
  setHandler(resumeMigration, () => void (paused = false));
  setHandler(abortCollection, () => void (aborted = true));
  for (;;) {
    await condition(() => !paused || aborted);
    if (aborted) break;
    const result = await longSteps.backfillCollection(input);
    if (!result.stopped || result.stopped === 'completed') break;
    if (result.stopped === 'aborted' || result.stopped === 'failed') {
      aborted = true;
      break;
    }
    // Paused in PostgreSQL: wait for the resume signal (or notice it came already and the status is being written back).
    if (!paused) await sleep('1 second');
  }
  const totals = await steps.collectionTotals({ runId: input.runId, collection: input.collection });
  return { collection: input.collection, ...totals, aborted };
}

function failureMessage(error: unknown): string {
  let e: unknown = error;
  while (e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

export async function migrationWorkflow(input: MigrationWorkflowInput): Promise<MigrationWorkflowState> {
  const { runId, collections, batchSize } = input;
  const state: MigrationWorkflowState = {
    runId,
    phase: input.resume?.phase ?? 'planning',
    paused: false,
    aborting: false,
    current: null,
    backfilled: [],
    verified: input.resume?.verified ?? [],
    approvedBy: input.resume?.approvedBy ?? (input.autoApprove ? input.startedBy : null),
    error: null,
  };
  const done = new Set<LegacyCollection>(input.resume?.done ?? []);
  const child = () => (state.current ? getExternalWorkflowHandle(collectionWorkflowId(runId, state.current)) : null);
  const beforeCutover = () => ['planning', 'backfilling', 'verifying', 'awaiting_cutover'].includes(state.phase);

  setHandler(migrationProgress, () => state);
  setHandler(pauseMigration, () => {
    if (!beforeCutover() || state.aborting) return;
    state.paused = true;
    void child()?.signal(pauseMigration).catch(() => {});
  });
  setHandler(resumeMigration, () => {
    state.paused = false;
    void child()?.signal(resumeMigration).catch(() => {});
  });
  setHandler(abortMigration, (_request: { reason?: string }) => {
    state.aborting = true;
    void child()?.signal(abortCollection).catch(() => {});
    return state;
  }, {
    validator: (_request: { reason?: string }) => {
      if (!beforeCutover()) throw new Error(`the run is ${state.phase}: it can no longer be aborted (the cutover has started)`);
      if (state.aborting) throw new Error('the run is already aborting');
    },
  });
  setHandler(approveCutover, (req) => {
    state.approvedBy = req.approvedBy;
    return state;
  }, {
    validator: (req) => {
      const parsed = ApproveCutoverInput.safeParse(req);
      if (!parsed.success) throw fieldError(parsed.error.issues[0]!.path.join('.') || 'input', parsed.error.issues[0]!.message);
      if (parsed.data.runId !== runId) throw fieldError('runId', `this is run ${runId}, not ${parsed.data.runId}`);
      if (state.phase !== 'awaiting_cutover') throw new Error(`the run is ${state.phase}: the cutover can be approved once verification passed`);
      const quarantined = state.verified.reduce((n, v) => n + v.quarantined, 0);
      if (quarantined > 0 && !parsed.data.acceptQuarantined) {
        throw fieldError('acceptQuarantined', `${quarantined} documents are quarantined; review them and approve with acceptQuarantined: true`);
      }
    },
  });

  // The pause and abort flags are written to PostgreSQL, where the long activities look for them after every batch.
  let written = 'running';
  const wanted = () => (state.aborting ? 'aborted' : state.paused ? 'paused' : 'running');
  let finished = false;
  const statusWriter = (async () => {
    for (;;) {
      await condition(() => finished || wanted() !== written);
      if (finished) return;
      const next = wanted();
      // `aborted` turns dual-write off at once; the copy stops after its batch in flight and the main flow ends the run.
      await steps.setMigrationState({ runId, status: next });
      written = next;
    }
  })();
  const phase = async (next: MigrationWorkflowState['phase'], extra: { dualWrite?: boolean } = {}) => {
    state.phase = next;
    await steps.setMigrationState({ runId, phase: next, ...extra });
  };
  const gate = async () => {
    await condition(() => !state.paused || state.aborting);
    return state.aborting;
  };

  try {
    if (state.phase === 'planning') {
      await steps.planMigration({ runId, collections });
      await phase('backfilling', { dualWrite: true });
    }
    if (state.phase === 'backfilling') {
      for (const collection of collections) {
        if (done.has(collection)) continue;
        if (await gate()) break;
        state.current = collection;
        const outcome = await executeChild(migrateCollectionWorkflow, {
          workflowId: collectionWorkflowId(runId, collection),
          args: [{ runId, collection, batchSize }],
        });
        state.current = null;
        state.backfilled.push(outcome);
        if (outcome.aborted) break;
        done.add(collection);
      }
      if (!state.aborting) await phase('verifying');
    }
    if (state.phase === 'verifying' && !state.aborting) {
      for (const collection of collections) {
        if (state.verified.some((v) => v.collection === collection)) continue;
        for (;;) {
          if (await gate()) break;
          const result = await longSteps.verifyCollection({ runId, collection, batchSize });
          if (result.stopped === null) {
            state.verified.push(result);
            if (!result.ok) throw ApplicationFailure.nonRetryable(`verification of ${collection} failed: ${result.detail}`, 'VerificationFailed');
            break;
          }
          if (result.stopped !== 'paused' && result.stopped !== 'running') {
            if (state.aborting) break;
            throw ApplicationFailure.nonRetryable(`the run's status changed to ${result.stopped} outside the workflow`, 'RunStatusChanged');
          }
          if (!state.paused) await sleep('1 second'); // resumed already; the status write is on its way
        }
        if (state.aborting) break;
      }
      if (!state.aborting) await phase('awaiting_cutover');
    }
    if (state.phase === 'awaiting_cutover' && !state.aborting) {
      await condition(() => state.approvedBy !== null || state.aborting || workflowInfo().continueAsNewSuggested);
      if (!state.approvedBy && !state.aborting) {
        await allHandlersFinished();
        return await continueAsNew<typeof migrationWorkflow>({ ...input, resume: { phase: state.phase, done: [...done], verified: state.verified } });
      }
    }
    if (state.aborting) {
      finished = true;
      state.phase = 'aborted';
      await steps.setMigrationState({ runId, phase: 'aborted', status: 'aborted' });
      log.info('migration aborted', { runId, copied: [...done] });
      return state;
    }
    await steps.cutover({ runId });
    state.phase = 'cutting_over';
    await phase('archiving');
    await steps.archiveCollections({ runId, collections });
    finished = true;
    state.phase = 'done';
    await steps.setMigrationState({ runId, phase: 'done', status: 'completed' });
    return state;
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    finished = true;
    state.phase = 'failed';
    state.error = failureMessage(error);
    await steps.setMigrationState({ runId, phase: 'failed', status: 'failed', error: state.error.slice(0, 2000) });
    throw ApplicationFailure.nonRetryable(`migration ${runId} failed: ${state.error}`, 'MigrationFailed');
  } finally {
    finished = true;
    await statusWriter;
  }
}
