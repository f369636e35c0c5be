// Trade sync activity: reads every running bot's trades through its FreqTrade API into the platform's trade ledger.
import { Context, log } from '@temporalio/activity';
import { z } from 'zod';
import { FreqtradeTradeJson, tradeFromFreqtrade } from '../domain/bot-trade.js';
import { botsToSync, ledgerTradeIds, upsertBotTrades, type BotToSync, type SyncedTrade } from '../db/bot-trades.js';
import type { Db } from '../db/pool.js';
import { botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import type { BotChannelSettings } from '../domain/bot-channel.js';
import { botClient, type FreqtradeCredentials } from './freqtrade-client.js';
import { recordTradeSyncPass } from '../telemetry/worker-metrics.js';
import type { Notifier } from '../telemetry/notify.js';
import { tradeNotices } from '../domain/notification.js';

export interface TradeSyncDeps {
  db: Db;
  box: SecretBox;
  /** How the platform reaches bot APIs. */
  botChannel: BotChannelSettings;
  /** Tells owners about trades opened and closed. */
  notifier?: Notifier;
  /** Bots read at the same time. */
  concurrency?: number;
  /** Per request: a bot that does not answer in time is skipped until the next sync. */
  timeoutMs?: number;
}

export interface TradeSyncResult {
  bots: number;
  synced: number;
  /** Trades inserted or changed in the ledger. */
  changed: number;
  skipped: Array<{ botId: string; reason: string }>;
}

/** FreqTrade caps /trades at 500 per page. */
const PAGE = 500;
const TradesPage = z.looseObject({ trades: z.array(FreqtradeTradeJson).max(PAGE), total_trades: z.number().int() });
/** Pages read per bot and pass (10,000 closed trades, newest first): a bot claiming endless trades cannot hold a worker. */
export const MAX_TRADE_PAGES = 20;
const OpenTrades = z.array(FreqtradeTradeJson);

export function createTradeSyncActivities(deps: TradeSyncDeps) {
  const { db, box } = deps;

  /**
   * The bot's open trades (/status), the closed ones the ledger does not hold yet (/trades, newest first), and the
   * current state of any trade the ledger holds as open that /status no longer lists (/trade/{id}).
   */
  async function readTrades(bot: BotToSync): Promise<{ trades: SyncedTrade[]; held: Awaited<ReturnType<typeof ledgerTradeIds>> }> {
    const credentials = JSON.parse(box.open(bot.apiCredentials, botCredentialsPlace(bot.id))) as FreqtradeCredentials;
    const client = botClient(bot, deps.botChannel, credentials, deps.timeoutMs ?? 3000);
    const byId = new Map<number, SyncedTrade>();
    const keep = (raw: FreqtradeTradeJson) => byId.set(raw.trade_id, { trade: tradeFromFreqtrade(raw), raw });
    // /status first: a trade that closes between the reads then ends up closed, never stuck open.
    for (const raw of OpenTrades.parse(await client.get('status'))) keep(raw);
    const held = await ledgerTradeIds(db, bot.id);
    for (let offset = 0, pages = 0; pages < MAX_TRADE_PAGES; pages++) {
      const page = TradesPage.parse(await client.get(`trades?limit=${PAGE}&offset=${offset}&order_by_id=false`));
      for (const raw of page.trades) if (!held.closed.has(raw.trade_id)) keep(raw);
      offset += page.trades.length;
      // Newest closed first: once a whole page is held, the older pages are too.
      if (page.trades.length === 0 || offset >= page.total_trades || page.trades.every((t) => held.closed.has(t.trade_id))) break;
    }
    // Only trades the ledger holds as open (bounded by what the platform stored), each one answer.
    for (const id of held.open) if (!byId.has(id)) keep(FreqtradeTradeJson.parse(await client.get(`trade/${id}`)));
    return { trades: [...byId.values()], held };
  }

  return {
    /** One pass over every running bot; a bot that fails is skipped with its reason, never failing the pass. */
    async syncBotTrades(): Promise<TradeSyncResult> {
      const started = performance.now();
      const bots = await botsToSync(db);
      const result: TradeSyncResult = { bots: bots.length, synced: 0, changed: 0, skipped: [] };
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < bots.length) {
          const bot = bots[next++]!;
          try {
            const { trades, held } = await readTrades(bot);
            result.changed += await upsertBotTrades(db, { id: bot.id, userId: bot.userId }, trades);
            result.synced += 1;
            // Trades opened and closed since the last pass reach the owner (each once: its source key).
            for (const n of tradeNotices(bot, trades.map((t) => t.trade), held, Date.now())) await deps.notifier?.notify({ ...n, userId: bot.userId });
          } catch (error) {
            const reason = error instanceof z.ZodError ? `answered with trades FreqTrade would not send: ${error.issues[0]?.message}` : (error as Error).message;
            result.skipped.push({ botId: bot.id, reason });
            log.warn('trade sync skipped a bot', { botId: bot.id, reason });
          }
          Context.current().heartbeat({ done: result.synced + result.skipped.length, of: bots.length });
        }
      };
      await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 8, bots.length) }, worker));
      recordTradeSyncPass((performance.now() - started) / 1000);
      return result;
    },
  };
}

export type TradeSyncActivities = ReturnType<typeof createTradeSyncActivities>;
