// Test support: a running bot the platform knows (its `bots` row) served by an in-process bot host whose ledger tests fill.
import { randomBytes, randomUUID } from 'node:crypto';
import { startBotHost } from '../bot/host.js';
import type { BotRuntime } from '../bot/bot-state.js';
import type { LedgerTrade } from '../bot/trade-ledger.js';
import { CreateBotInput } from '../domain/bot.js';
import { exchangeProfile } from '../domain/exchanges.js';
import type { Strategy } from '../domain/strategy.js';
import * as bots from '../db/bots.js';
import type { Db } from '../db/pool.js';
import { botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import { insertBotOnFreePort } from './bot-rows.js';

export interface HostedBot {
  botId: string;
  apiPort: number;
  runtime: BotRuntime;
  /** Records a trade in the bot's own ledger, as its trading engine would. */
  addTrade(trade: TradeSpec): LedgerTrade;
  close(): Promise<void>;
}

export interface TradeSpec {
  id: number;
  pair: string;
  amount: number;
  openRate: number;
  openedAt?: Date;
  fee?: number;
  closed?: { rate: number; at?: Date; reason?: string };
}

/** A ledger trade as the bot keeps it; a closed one carries FreqTrade's profit after both fees. */
export function ledgerTrade(t: TradeSpec): LedgerTrade {
  const fee = t.fee ?? 0.001;
  const openedAt = t.openedAt ?? new Date(Date.now() - 3_600_000);
  const stakeAmount = t.amount * t.openRate;
  const openValue = t.amount * t.openRate * (1 + fee);
  const closeValue = t.closed ? t.amount * t.closed.rate * (1 - fee) : null;
  return {
    id: t.id, pair: t.pair, exchange: 'paper', strategy: 'test', timeframe: 5, isOpen: !t.closed,
    amount: t.amount, amountRequested: t.amount, stakeAmount, openRate: t.openRate, openDate: openedAt, openFillDate: openedAt,
    closeRate: t.closed?.rate ?? null, closeDate: t.closed ? (t.closed.at ?? new Date()) : null,
    closeProfit: closeValue === null ? null : closeValue / openValue - 1,
    closeProfitAbs: closeValue === null ? null : closeValue - openValue,
    realizedProfit: closeValue === null ? 0 : closeValue - openValue,
    feeOpen: fee, feeClose: fee, enterTag: null, exitReason: t.closed ? (t.closed.reason ?? 'roi') : null,
    stopLoss: null, stopLossPct: null, minRate: null, maxRate: null, filledVolume: stakeAmount, lastRate: t.openRate,
  };
}

/** Inserts the bot as `running` for `userId` and serves its FreqTrade API from this process. */
export async function startHostedBot(
  db: Db,
  box: SecretBox,
  userId: string,
  spec: { name: string; pairs: string[]; stakeAmount: number; engine?: 'builtin' | 'freqtrade' },
  /** Trading on an exchange (a paper exchange's URL) with a strategy; without them the bot serves its API but does not trade. */
  trading?: { exchangeUrl: string; strategy: Strategy },
): Promise<HostedBot> {
  const botId = randomUUID();
  const api = { username: `tf-${randomBytes(4).toString('hex')}`, password: randomBytes(24).toString('base64url'), jwtSecret: randomBytes(48).toString('base64url') };
  const parsed = CreateBotInput.parse(spec);
  const { apiPort } = await insertBotOnFreePort(db, { id: botId, userId, spec: parsed, driver: 'process', sealedCredentials: box.seal(JSON.stringify(api), botCredentialsPlace(botId)) });
  await bots.setBotStatus(db, null, botId, 'running');
  const host = await startBotHost(
    {
      listenHost: '127.0.0.1',
      bots: [{
        botId, name: spec.name, exchange: 'paper', pairs: parsed.pairs, stakeAmount: spec.stakeAmount, stakeCurrency: 'USDT', dryRun: true, apiPort, api,
        ...(trading ? { strategy: trading.strategy, exchangeProfile: exchangeProfile('paper', trading.exchangeUrl) } : {}),
      }],
    },
    { log: () => {} },
  );
  const runtime = host.bots.get(botId)!;
  return {
    botId,
    apiPort,
    runtime,
    addTrade(t) {
      const trade = ledgerTrade(t);
      const existing = runtime.ledger.byId(t.id);
      if (existing) Object.assign(existing, trade);
      else runtime.ledger.add(trade);
      return trade;
    },
    close: () => host.close(),
  };
}
