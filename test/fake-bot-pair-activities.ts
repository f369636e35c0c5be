// Fake activities of a change of a bot's pairs, for workflow-logic tests and history recording: they record calls, keep
// the list the bot's row holds, and can fail the wait for a named list (a bot that does not take it).
import { ApplicationFailure } from '@temporalio/common';
import type { BotPairActivities } from '../activities/bot-pairs.js';
import { fieldError } from '../domain/field-error.js';
import type { Calls } from './fake-bot-activities.js';

export function fakeBotPairActivities(calls: Calls, options: { refuse?: string; neverTaken?: string } = {}): BotPairActivities {
  let row = ['BTC/USDT'];
  return {
    async planBotPairs(_id, input) {
      calls.push('planBotPairs');
      const to = (input as { pairs: string[] }).pairs;
      const bad = to.indexOf(options.refuse ?? '');
      if (bad >= 0) throw fieldError(`pairs.${bad}`, `${to[bad]} is not listed on paper`);
      return { from: row, to };
    },
    async setBotPairs(_id, pairs) {
      calls.push(`setBotPairs:${pairs.join(',')}`);
      row = pairs;
    },
    async botPoolPlace() {
      calls.push('botPoolPlace');
      return null;
    },
    async reloadBotConfig() {
      calls.push('reloadBotConfig');
      return { paused: false };
    },
    async waitBotPairs(_id, pairs) {
      calls.push(`waitBotPairs:${pairs.join(',')}`);
      if (pairs.join(',') === options.neverTaken) throw ApplicationFailure.nonRetryable('its whitelist is still BTC/USDT', 'PairsNotTaken');
    },
  };
}
