// Bot lifecycle (`bot:<botId>`): a provisioning saga, then the bot's entity that takes start/stop/delete as updates.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BotActivities } from '../activities/bots.js';
import { CreateBotInput, commandRejection, type Bot, type BotCommand, type BotStatus } from '../domain/bot.js';
import { fieldError, fieldErrorOf, schemaFieldError } from '../domain/field-error.js';
import { MoveBotInput, type BotVersions, type MoveBotResult } from '../domain/freqtrade-config.js';
import { messageOf } from './failure-message.js';

export type { MoveBotResult };

export interface BotWorkflowInput {
  botId: string;
  userId: string;
  /** State carried over by continue-as-new. */
  carried?: BotState;
}

export interface BotState {
  status: BotStatus | 'new' | 'deleted';
  /** The saga step in progress, for operators reading the query. */
  step: string | null;
  lastError: string | null;
}

export const createBot = defineUpdate<Bot, [spec: unknown]>('createBot');
export const startBot = defineUpdate<BotStatus>('startBot');
export const stopBot = defineUpdate<BotStatus>('stopBot');
export const deleteBot = defineUpdate<'deleted'>('deleteBot');
export const botState = defineQuery<BotState>('botState');

/** Moves a running bot to another strategy version and/or FreqTrade release; rolls back when it is not healthy in time. */
export const moveBot = defineUpdate<MoveBotResult, [move: unknown]>('moveBot');

export const HEALTH_TIMEOUT_MS = 60_000;

const store = proxyActivities<BotActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 },
});
// Docker calls finish in seconds; a short timeout lets a crashed worker's attempt be retried quickly.
const runtime = proxyActivities<BotActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 5 },
});
const health = proxyActivities<BotActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

export async function botWorkflow(input: BotWorkflowInput): Promise<void> {
  const { botId, userId } = input;
  const state: BotState = input.carried ?? { status: 'new', step: null, lastError: null };
  let createFailed = false;
  // Commands run one at a time, in arrival order; each re-checks the status it found.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };

  const setStatus = async (status: BotStatus, lastError: string | null = null): Promise<void> => {
    await store.setBotStatus(botId, status, lastError);
    state.status = status;
    state.lastError = lastError;
    upsertSearchAttributes({ BotStatus: [status] });
  };

  const rejectUnless = (command: BotCommand) => () => {
    if (state.status === 'new' || state.status === 'deleted') throw new Error(`bot is ${state.status}`);
    const reason = commandRejection(state.status, command);
    if (reason) throw new Error(reason);
  };

  setHandler(botState, () => state);

  setHandler(
    createBot,
    async (spec) => {
      if (state.status !== 'new') return store.findBot(botId); // a repeated create answers with the bot as it is
      try {
        const bot = await store.persistBot({ botId, userId, spec });
        state.status = 'provisioning';
        upsertSearchAttributes({ BotStatus: ['provisioning'] });
        return bot;
      } catch (error) {
        createFailed = true;
        // Input the activity found wrong stays a field error, so the API can answer 400 naming the field.
        const invalid = fieldErrorOf(error);
        if (invalid) throw fieldError(invalid.field, invalid.message);
        throw ApplicationFailure.nonRetryable(`could not create the bot: ${messageOf(error)}`, 'CreateFailed');
      }
    },
    {
      validator: (spec) => {
        const parsed = CreateBotInput.safeParse(spec);
        if (!parsed.success) throw schemaFieldError(parsed.error);
      },
    },
  );

  setHandler(
    stopBot,
    () =>
      exclusive(async () => {
        rejectUnless('stop')();
        await setStatus('stopping');
        try {
          await runtime.stopBotRuntime(botId);
          await setStatus('stopped');
        } catch (error) {
          await setStatus('running', `stop failed: ${messageOf(error)}`);
        }
        return state.status as BotStatus;
      }),
    { validator: rejectUnless('stop') },
  );

  setHandler(
    startBot,
    () =>
      exclusive(async () => {
        rejectUnless('start')();
        await setStatus('starting');
        try {
          await runtime.startBotRuntime(botId);
          await health.waitBotHealthy(botId, HEALTH_TIMEOUT_MS);
          await setStatus('running');
        } catch (error) {
          await runtime.stopBotRuntime(botId);
          await setStatus('stopped', `start failed: ${messageOf(error)}`);
        }
        return state.status as BotStatus;
      }),
    { validator: rejectUnless('start') },
  );

  setHandler(
    moveBot,
    (move) =>
      exclusive(async (): Promise<MoveBotResult> => {
        rejectUnless('move')();
        const plan = await store.planBotMove(botId, move).catch((error: unknown) => {
          // A target the activity found wrong stays a field error, so the API can answer 400 naming the field.
          const invalid = fieldErrorOf(error);
          if (invalid) throw fieldError(invalid.field, invalid.message);
          throw ApplicationFailure.nonRetryable(messageOf(error), 'MoveFailed');
        });
        await setStatus('stopping');
        try {
          await runtime.stopBotRuntime(botId);
        } catch (error) {
          await setStatus('running', `move not started, the bot did not stop: ${messageOf(error)}`);
          return { status: 'running', moved: false, versions: plan.from, error: messageOf(error) };
        }
        const switchTo = async (versions: BotVersions): Promise<void> => {
          await store.setBotVersions(botId, versions);
          await runtime.createBotRuntime(botId); // rewrites config + strategy; a new FreqTrade release gets a new container
          await runtime.startBotRuntime(botId);
          await health.waitBotHealthy(botId, plan.healthTimeoutMs);
        };
        await setStatus('starting');
        try {
          await switchTo(plan.to);
          await setStatus('running');
          return { status: 'running', moved: true, versions: plan.to, error: null };
        } catch (error) {
          const reason = messageOf(error);
          log.warn('bot move failed; rolling back', { botId, reason });
          await runtime.stopBotRuntime(botId);
          try {
            await switchTo(plan.from);
            await setStatus('running', `move rolled back: ${reason}`);
          } catch (rollbackError) {
            await runtime.stopBotRuntime(botId);
            await setStatus('stopped', `move failed (${reason}) and the previous versions did not start again: ${messageOf(rollbackError)}`);
          }
          return { status: state.status as BotStatus, moved: false, versions: plan.from, error: reason };
        }
      }),
    {
      validator: (move) => {
        rejectUnless('move')();
        const parsed = MoveBotInput.safeParse(move);
        if (!parsed.success) throw schemaFieldError(parsed.error);
      },
    },
  );

  setHandler(
    deleteBot,
    () =>
      exclusive(async () => {
        rejectUnless('delete')();
        await setStatus('deleting');
        await runtime.removeBotRuntime(botId);
        await store.deleteBotRecord(botId);
        state.status = 'deleted';
        upsertSearchAttributes({ BotStatus: ['deleted'] });
        return 'deleted' as const;
      }),
    { validator: rejectUnless('delete') },
  );

  if (state.status === 'new') {
    upsertSearchAttributes({ BotId: [botId], UserId: [userId] });
    const created = await condition(() => state.status !== 'new' || createFailed, '10 minutes');
    if (!created || createFailed) {
      await condition(allHandlersFinished);
      return;
    }
    await provision(botId, state, setStatus);
  }

  // The entity: commands arrive as updates; keep the history short with continue-as-new.
  await condition(() => state.status === 'deleted' || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  if (state.status !== 'deleted') {
    await continueAsNew<typeof botWorkflow>({ botId, userId, carried: state });
  }
}

/** The saga: each step that succeeds pushes its undo; a failing step runs the undos in reverse. */
async function provision(
  botId: string,
  state: BotState,
  setStatus: (status: BotStatus, lastError?: string | null) => Promise<void>,
): Promise<void> {
  const compensations: Array<() => Promise<void>> = [];
  try {
    state.step = 'create-runtime';
    compensations.unshift(() => runtime.removeBotRuntime(botId));
    await runtime.createBotRuntime(botId);
    state.step = 'start-runtime';
    await runtime.startBotRuntime(botId);
    state.step = 'wait-healthy';
    await health.waitBotHealthy(botId, HEALTH_TIMEOUT_MS);
    state.step = 'mark-running';
    await setStatus('running');
    state.step = null;
  } catch (error) {
    const reason = `provisioning failed at ${state.step}: ${messageOf(error)}`;
    log.warn('bot provisioning failed; compensating', { botId, step: state.step });
    for (const undo of compensations) {
      await undo().catch((e: unknown) => log.error('compensation failed', { botId, error: messageOf(e) }));
    }
    state.step = null;
    await store.markBotFailed(botId, reason);
    state.status = 'failed';
    state.lastError = reason;
    upsertSearchAttributes({ BotStatus: ['failed'] });
  }
}
