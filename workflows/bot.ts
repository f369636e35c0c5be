// Bot lifecycle (`bot:<botId>`): a provisioning saga, then the bot's entity that takes start/stop/move/pairs/delete as updates.
import { allHandlersFinished, condition, continueAsNew, log, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { checkCreate, create, remove, start, stop } from './bot-commands.js';
import { botRun, type BotRun } from './bot-run.js';
import { botState, changeBotPairs, createBot, deleteBot, moveBot, placementAnswer, reviveBot, startBot, stopBot, type BotWorkflowInput } from './bot-messages.js';
import { checkMove, moveVersions } from './bot-move.js';
import { changePairs, checkPairs } from './bot-pairs.js';
import { runtime, store } from './bot-proxies.js';
import { revive } from './bot-revive.js';
import { comeUpRunning, createRuntime, startRuntime } from './bot-runtime.js';
import { messageOf } from './failure-message.js';

export * from './bot-messages.js';

export async function botWorkflow(input: BotWorkflowInput): Promise<void> {
  const bot = botRun(input);
  const { state } = bot;
  // Commands run one at a time, in arrival order; each re-checks the status it found.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };

  setHandler(botState, () => state);
  setHandler(placementAnswer, (answer) => {
    if (bot.placementAnswers.has(answer.requestId)) bot.placementAnswers.set(answer.requestId, answer); // else a late duplicate
  });
  setHandler(createBot, (spec) => create(bot, spec), { validator: checkCreate });
  setHandler(stopBot, () => exclusive(() => stop(bot)), { validator: () => bot.rejectUnless('stop') });
  setHandler(startBot, () => exclusive(() => start(bot)), { validator: () => bot.rejectUnless('start') });
  setHandler(moveBot, (move) => exclusive(() => moveVersions(bot, move)), { validator: (move) => checkMove(bot, move) });
  setHandler(changeBotPairs, (change) => exclusive(() => changePairs(bot, change)), { validator: (change) => checkPairs(bot, change) });
  setHandler(deleteBot, () => exclusive(() => remove(bot)), { validator: () => bot.rejectUnless('delete') });
  // From the fleet reconciler: a signal (it waits for nothing), run in turn with the commands.
  setHandler(reviveBot, (request) => exclusive(() => revive(bot, request)));

  if (state.status === 'new') {
    upsertSearchAttributes({ BotId: [bot.botId], UserId: [bot.userId] });
    const created = await condition(() => state.status !== 'new' || bot.createFailed, '10 minutes');
    if (!created || bot.createFailed) {
      await condition(allHandlersFinished);
      return;
    }
    await provision(bot);
  }

  // The entity: commands arrive as updates; keep the history short with continue-as-new.
  await condition(() => state.status === 'deleted' || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  if (state.status !== 'deleted') {
    await continueAsNew<typeof botWorkflow>({ botId: bot.botId, userId: bot.userId, carried: state });
  }
}

/** The saga: each step that succeeds pushes its undo; a failing step runs the undos in reverse. */
async function provision(bot: BotRun): Promise<void> {
  const { botId, state } = bot;
  const compensations: Array<() => Promise<void>> = [];
  try {
    state.step = 'create-runtime';
    compensations.unshift(() => runtime.removeBotRuntime(botId));
    await createRuntime(bot);
    state.step = 'start-runtime';
    await startRuntime(bot);
    await comeUpRunning(bot); // wait healthy, mark running; a runtime lost meanwhile is placed again
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
