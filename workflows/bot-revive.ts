// A bot the fleet reconciler found dead (its API silent while its row says running, or left starting by a crash): the
// bot's own workflow checks it once more, then creates, places and starts its runtime again (same row, port and
// credentials), and if that fails says so in its status: stopped (its place given back) or failed, with the reason.
import { log, patched } from '@temporalio/workflow';
import type { BotRun } from './bot-run.js';
import type { ReviveRequest } from './bot-messages.js';
import { store } from './bot-proxies.js';
import { comeUpRunning, createRuntime, startRuntime, stopRuntime } from './bot-runtime.js';
import { messageOf } from './failure-message.js';

/** Runs recorded before this change had no reviveBot signal; `patched` marks the runs that handle it. */
export const REVIVE_BOT = 'revive-bot-from-reconciler';

export async function revive(bot: BotRun, request: ReviveRequest): Promise<void> {
  const { state } = bot;
  if (!patched(REVIVE_BOT)) return;
  // A provisioning in flight (step set) brings the bot up itself; a status moved on since the pass is a newer truth.
  if (state.step !== null || (state.status !== 'running' && state.status !== 'starting')) return;
  if (state.status !== request.seen && !(request.seen === 'starting' && state.status === 'running')) return;
  if (await store.botAnswers(bot.botId)) {
    try {
      await bot.setStatus('running');
      return;
    } catch {
      // answering, but without a place in its pool: start it again below
    }
  }
  log.warn('the fleet reconciler found the bot dead; starting it again', { botId: bot.botId, reason: request.reason });
  await bot.setStatus('starting', request.reason);
  try {
    state.step = 'revive';
    await createRuntime(bot);
    await startRuntime(bot);
    await comeUpRunning(bot);
  } catch (error) {
    const why = `${request.reason}; starting it again failed at ${state.step}: ${messageOf(error)}`;
    try {
      await stopRuntime(bot);
      await bot.setStatus('stopped', why);
    } catch (stopError) {
      await bot.setStatus('failed', `${why}; stopping it failed too: ${messageOf(stopError)}`);
    }
  } finally {
    state.step = null;
  }
}
