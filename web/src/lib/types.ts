// Types the dashboard shares with the platform: domain types re-exported (never re-declared), plus API envelopes.
export type { Bot, BotCommand, BotStatus, RuntimeDriver } from '#domain/bot.ts';
export type { Balance, ExchangeAccount, ExchangeAccountStatus, OpenOrder, WalletSnapshot } from '#domain/exchange-account.ts';
export type { BotPnl, HistoryRange, Holding, OpenPosition, Valuation, ValuationPoint } from '#domain/portfolio.ts';
export type { Guard, GuardEvent, GuardRules, GuardState } from '#domain/guard.ts';
export type { RiskGuard, RiskRules, RiskState } from '#domain/risk.ts';
export type { ContainerStatus, PoolBotView, PoolContainerView, PoolSettings, PoolView } from '#domain/pool.ts';
import type { Guard } from '#domain/guard.ts';
import type { RiskGuard } from '#domain/risk.ts';
import type { RuntimeDriver } from '#domain/bot.ts';

/** The signed-in user as `/api/auth/me` returns it. */
export interface User {
  id: string;
  email: string;
  /** Operators also see the platform's own pages (migrations). */
  isOperator?: boolean;
}

/** `GET /api/system`. */
export interface SystemInfo {
  driver: RuntimeDriver;
  temporalUiUrl: string;
  namespace: string;
}

/** The Temporal workflow behind a bot, from `GET /api/bots/:id`. */
export interface WorkflowRef {
  workflowId: string;
  runId: string | null;
  url: string;
}

/** The API's error envelope: `{ error: { code, message, field? } }`. */
export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
  /** Every wrong field when the API found several (the first is `field`). */
  fields?: Array<{ field: string; message: string }>;
}

/** What a failed form action hands back to its page: the error, the field it names and the values to refill. */
export interface FormFailure {
  error: ApiErrorBody;
  values: Record<string, string>;
}

/** `GET /api/guards` and every `guards` event of `/api/guards/stream`. */
export interface GuardsSnapshot {
  guards: Guard[];
  riskGuards: RiskGuard[];
}
