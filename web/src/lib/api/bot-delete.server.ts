// Deleting a bot from the dashboard: optionally exiting its open trades first (each through the API's force-exit), then
// the delete, and one sentence saying what happened, which the bots list shows once (a short-lived cookie).
import type { RequestEvent } from '@sveltejs/kit';
import { formatExitOutcome } from '#lib/format.ts';
import { deleteBot, forceExit, getBot, getTrading } from './bots.server.ts';
import { listGuards } from './guards.server.ts';
import { ApiError } from './http.server.ts';

/** The cookie that carries the outcome to /bots. */
export const DELETED_FLASH = 'tf_bot_deleted';

export type DeleteOutcome = { deleted: true; message: string } | { deleted: false; status: number; message: string };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export async function deleteBotExitingTrades(event: RequestEvent, botId: string, exitTrades: boolean): Promise<DeleteOutcome> {
  try {
    const { bot } = await getBot(event, botId);
    const trading = bot.status === 'running' ? await getTrading(event, botId).catch(() => null) : null;
    const open = trading?.openTrades ?? [];
    const exited: string[] = [];
    if (exitTrades) {
      for (const trade of open) {
        try {
          const { exit } = await forceExit(event, botId, trade.tradeId);
          exited.push(formatExitOutcome(exit, trading!.balance.currency));
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          const done = exited.length ? ` Exited first: ${exited.join('; ')}.` : '';
          return { deleted: false, status: e.status, message: `Trade #${trade.tradeId} could not be exited (${e.body.message}), so “${bot.name}” was not deleted.${done}` };
        }
      }
    }
    const guards = await listGuards(event);
    const ending = guards.guards.filter((g) => g.target.kind === 'bot_trade' && g.target.botId === botId && g.state === 'watching').length
      + guards.riskGuards.filter((r) => r.scope.kind === 'bot' && r.scope.botId === botId && r.state !== 'cancelled').length;
    await deleteBot(event, botId);
    const parts = [`Deleted “${bot.name}”.`];
    if (exited.length) parts.push(`Exited ${plural(exited.length, 'open trade')} first: ${exited.join('; ')}.`);
    else if (open.length) parts.push(`${plural(open.length, 'open trade')} left as ${open.length === 1 ? 'it was' : 'they were'}.`);
    if (ending) parts.push(`${plural(ending, 'guard')} on it ended.`);
    parts.push('Its trades stay in the ledger and its realized P&L in your portfolio.');
    return { deleted: true, message: parts.join(' ') };
  } catch (e) {
    if (e instanceof ApiError) return { deleted: false, status: e.status, message: e.body.message };
    throw e;
  }
}
