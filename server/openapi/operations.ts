// Every operation of the API as the OpenAPI document describes it: the zod schemas the routes validate requests with
// and the domain schemas of their answers. test/openapi.test.ts checks this list against the routes express serves.
import { z } from 'zod';
import { ChangePasswordInput, Credentials, SignUpInput } from '../../domain/account.js';
import { ApiToken, NewTokenInput, type RouteScope } from '../../domain/api-token.js';
import { Identity } from '../../domain/identity.js';
import { Bot, CreateBotInput } from '../../domain/bot.js';
import { MoveBotInput } from '../../domain/bot-move.js';
import { BotPairsInput, ChangePairsResult } from '../../domain/bot-pairs.js';
import { ForceEnterInput } from '../../domain/bot-trading.js';
import { BlacklistInput, BotChart, ChartQuery, LogLines, LogsQuery, PairLists, PairLocksView, PairPerformance, PeriodQuery, ProfitPeriods, TradesPage, TradesQuery } from '../../domain/bot-views.js';
import { FleetBot } from '../../domain/fleet.js';
import { CreateExchangeAccountInput, ExchangeAccount, UpdateExchangeAccountInput } from '../../domain/exchange-account.js';
import { CreateGuardBatchInput, CreateGuardInput, GuardRules } from '../../domain/guard.js';
import { StartMigrationInput } from '../../domain/migration-run.js';
import { Valuation, ValuationPoint } from '../../domain/portfolio.js';
import { CreateRiskGuardInput, RiskRules } from '../../domain/risk.js';
import { CreateStrategyVersionInput, StrategyVersion } from '../../domain/strategy-version.js';
import { ForceExitInput } from '../routes/bots.js';
import { JsonPayloads } from '../routes/codec.js';
import { AbortBody, ApproveBody, RunQuery } from '../routes/migrations.js';
import { MoveBody, ScaleBody } from '../routes/pools.js';
import { HistoryQuery } from '../routes/portfolio.js';
import { AlertmanagerPayload, Notification } from '../../domain/notification.js';
import { ChannelsInput, ChannelsView } from '../routes/notifications.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Operation {
  method: Method;
  /** OpenAPI form: `/api/bots/{id}`. */
  path: string;
  scope: RouteScope;
  tag: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** The success answer: a schema, `sse` (an event stream, its events named), or `empty` (204). */
  ok: { status: number; schema: z.ZodType } | { status: 200; sse: string } | { status: 200; media: string } | { status: 204 } | { status: 303; redirect: string };
  /** Honours an `Idempotency-Key` header. */
  idempotent?: boolean;
}

const SessionView = z.object({ id: z.string(), createdAt: z.string().nullable(), expiresAt: z.string(), current: z.boolean() });
const User = z.object({ id: z.string(), email: z.string(), isOperator: z.boolean() });
/** Shapes the docs do not pin down field by field yet: any JSON object. */
const Json = z.looseObject({});
const json = (schema: z.ZodType, status = 200) => ({ status, schema });
const sse = (events: string) => ({ status: 200 as const, sse: events });
const empty = { status: 204 as const };
/** The workflow behind an answer and its page in the Temporal UI (server/workflow-links.ts). */
const WorkflowLinkSchema = z.object({ workflowId: z.string(), url: z.string() });
/** A browser navigation answered with a redirect (`Location`), described in words. */
const redirect = (to: string) => ({ status: 303 as const, redirect: to });

/** FreqUI's views and controls of a running bot (issue 19), through the bot's own REST API; every engine alike. */
const traderViewOps: Operation[] = [
  { method: 'get', path: '/api/bots/{id}/chart', scope: 'read', tag: 'bots', summary: "Candles of a pair and timeframe with the strategy's plotted indicators and the bot's entry/exit markers", query: ChartQuery, ok: json(z.object({ chart: BotChart })) },
  { method: 'get', path: '/api/bots/{id}/trades', scope: 'read', tag: 'bots', summary: 'Closed trades, newest first, a page at a time', query: TradesQuery, ok: json(TradesPage) },
  { method: 'get', path: '/api/bots/{id}/profit-periods', scope: 'read', tag: 'bots', summary: 'Realized profit per day, week or month', query: PeriodQuery, ok: json(z.object({ profit: ProfitPeriods })) },
  { method: 'get', path: '/api/bots/{id}/performance', scope: 'read', tag: 'bots', summary: 'Realized profit and trade count per pair', ok: json(z.object({ performance: PairPerformance })) },
  { method: 'get', path: '/api/bots/{id}/locks', scope: 'read', tag: 'bots', summary: "The bot's active pair locks", ok: json(z.object({ locks: PairLocksView })) },
  { method: 'delete', path: '/api/bots/{id}/locks/{lockId}', scope: 'trade', tag: 'bots', summary: 'End a pair lock (the pair can be entered again at once)', ok: json(z.object({ locks: PairLocksView })) },
  { method: 'get', path: '/api/bots/{id}/logs', scope: 'read', tag: 'bots', summary: "The bot's latest log lines, oldest first", query: LogsQuery, ok: json(z.object({ logs: LogLines })) },
  { method: 'get', path: '/api/bots/{id}/logs/stream', scope: 'read', tag: 'bots', summary: "The bot's log, live", ok: sse('`log-backlog` (the latest 200 lines, oldest first) at once, then `logs` (the new lines) about once a second as the bot writes them; `log-error` ({message}) when the bot stops answering; the bot\'s secrets masked') },
  { method: 'get', path: '/api/bots/{id}/pairlists', scope: 'read', tag: 'bots', summary: 'Whitelist, blacklist, configured pairs and whether entries are paused', ok: json(z.object({ pairlists: PairLists })) },
  { method: 'put', path: '/api/bots/{id}/pairs', scope: 'trade', tag: 'bots', summary: 'Set the pairs the bot trades (its whitelist): a running bot takes them live, answered once it trades them', body: BotPairsInput, ok: json(z.object({ pairs: ChangePairsResult, bot: Bot })) },
  { method: 'post', path: '/api/bots/{id}/blacklist', scope: 'trade', tag: 'bots', summary: 'Add pairs to or remove them from the blacklist (a blacklisted pair is not entered)', body: BlacklistInput, ok: json(z.object({ pairlists: PairLists })) },
  { method: 'post', path: '/api/bots/{id}/pause-entries', scope: 'trade', tag: 'bots', summary: "Pause entries (FreqTrade's stopbuy): open trades are still managed", ok: json(z.object({ pairlists: PairLists })) },
  { method: 'post', path: '/api/bots/{id}/resume-entries', scope: 'trade', tag: 'bots', summary: "Resume entries (FreqTrade's start)", ok: json(z.object({ pairlists: PairLists })) },
  { method: 'get', path: '/api/fleet', scope: 'read', tag: 'bots', summary: "Every bot side by side: profit, open trades, win rate, drawdown (deleted bots' kept trades included)", ok: json(z.object({ bots: z.array(FleetBot) })) },
];

const botOps: Operation[] = [
  { method: 'get', path: '/api/bots', scope: 'read', tag: 'bots', summary: 'List your bots', ok: json(z.object({ bots: z.array(Bot) })) },
  { method: 'post', path: '/api/bots', scope: 'trade', tag: 'bots', summary: 'Create a bot (status provisioning)', body: CreateBotInput, ok: json(z.object({ bot: Bot }), 201), idempotent: true },
  { method: 'get', path: '/api/bots/events', scope: 'read', tag: 'bots', summary: 'Live bot changes', ok: sse('`bot` (the bot as JSON) on every change, `bot-deleted` ({id}); starts with a snapshot') },
  { method: 'get', path: '/api/bots/{id}', scope: 'read', tag: 'bots', summary: 'A bot and its workflow (workflow.url opens it in the Temporal UI)', ok: json(z.object({ bot: Bot, workflow: z.object({ workflowId: z.string(), runId: z.string().nullable().optional(), url: z.string() }) })) },
  { method: 'post', path: '/api/bots/{id}/start', scope: 'trade', tag: 'bots', summary: 'Start a bot (answers after the workflow did)', ok: json(z.object({ bot: Bot })) },
  { method: 'post', path: '/api/bots/{id}/stop', scope: 'trade', tag: 'bots', summary: 'Stop a bot', ok: json(z.object({ bot: Bot })) },
  { method: 'delete', path: '/api/bots/{id}', scope: 'trade', tag: 'bots', summary: 'Delete a bot', ok: json(z.object({ bot: Bot })) },
  { method: 'get', path: '/api/bots/{id}/trading', scope: 'read', tag: 'bots', summary: "A running bot's open trades, profit and balance", ok: json(z.object({ trading: Json })) },
  { method: 'post', path: '/api/bots/{id}/forceenter', scope: 'trade', tag: 'bots', summary: 'Open an entry on one of the bot\'s pairs (market, or at a limit `price` where the engine takes one)', body: ForceEnterInput, ok: json(z.object({ trading: Json })) },
  { method: 'post', path: '/api/bots/{id}/forceexit', scope: 'trade', tag: 'bots', summary: 'Force-exit one trade; answers the exit (close rate, profit) and the trading view', body: ForceExitInput, ok: json(z.object({ exit: Json, trading: Json })) },
  { method: 'post', path: '/api/bots/{id}/move', scope: 'trade', tag: 'bots', summary: 'Move a running bot to another strategy version or FreqTrade release', body: MoveBotInput, ok: json(z.object({ move: Json, bot: Bot })) },
  ...traderViewOps,
];

const accountOps: Operation[] = [
  { method: 'post', path: '/api/auth/signup', scope: 'public', tag: 'auth', summary: 'Sign up (sets the session cookie)', body: SignUpInput, ok: json(z.object({ user: User }), 201) },
  { method: 'post', path: '/api/auth/signin', scope: 'public', tag: 'auth', summary: 'Sign in (sets the session cookie; 5 failures per email per 15 min)', body: Credentials, ok: json(z.object({ user: User.partial({ isOperator: true }) })) },
  { method: 'post', path: '/api/auth/signout', scope: 'public', tag: 'auth', summary: 'Sign out (ends the session)', ok: empty },
  { method: 'post', path: '/api/auth/password', scope: 'session', tag: 'auth', summary: 'Change the password: ends every other session, sets a new cookie', body: ChangePasswordInput, ok: json(z.object({ user: User.pick({ id: true, email: true }) })) },
  { method: 'get', path: '/api/auth/oidc/provider', scope: 'public', tag: 'auth', summary: 'The OpenID Connect provider signed in with, if one is configured', ok: json(z.object({ provider: z.object({ name: z.string() }).nullable() })) },
  { method: 'get', path: '/api/auth/oidc/start', scope: 'public', tag: 'auth', summary: 'Start signing in with the OpenID Connect provider (`?link=1` from a session links it instead)', query: z.object({ link: z.literal('1').optional() }), ok: redirect('to the provider, with a short-lived httpOnly attempt cookie; to `/signin?oidc_error=…` when no provider is configured or it cannot be reached') },
  { method: 'get', path: '/api/auth/oidc/callback', scope: 'public', tag: 'auth', summary: "The provider's redirect back: checks state, browser, PKCE and nonce, then signs in", ok: redirect('to `/bots` with the session cookie (or `/settings?linked=1` after linking); to `/signin?oidc_error=…` or `/settings?oidc_error=…` when refused, creating nothing') },
  { method: 'get', path: '/api/auth/identities', scope: 'session', tag: 'auth', summary: 'Providers linked to your account', ok: json(z.object({ identities: z.array(Identity) })) },
  { method: 'delete', path: '/api/auth/identities/{id}', scope: 'session', tag: 'auth', summary: 'Unlink a provider (409 `last_sign_in_method` when it is your only way to sign in)', ok: empty },
  { method: 'get', path: '/api/auth/sessions', scope: 'session', tag: 'auth', summary: 'Your signed-in sessions (a short id, created and expiry times, which one is this browser; never a token)', ok: json(z.object({ sessions: z.array(SessionView) })) },
  { method: 'delete', path: '/api/auth/sessions/{id}', scope: 'session', tag: 'auth', summary: 'Sign out another session (409 `current_session` for this browser\'s own: sign out instead)', ok: empty },
  { method: 'get', path: '/api/auth/me', scope: 'read', tag: 'auth', summary: 'Who is signed in', ok: json(z.object({ user: User })) },
  { method: 'get', path: '/api/tokens', scope: 'session', tag: 'tokens', summary: 'Your API tokens (never their secrets)', ok: json(z.object({ tokens: z.array(ApiToken) })) },
  { method: 'post', path: '/api/tokens', scope: 'session', tag: 'tokens', summary: 'Create a token; its secret is in this answer only', body: NewTokenInput, ok: json(z.object({ token: ApiToken.extend({ secret: z.string() }) }), 201) },
  { method: 'delete', path: '/api/tokens/{id}', scope: 'session', tag: 'tokens', summary: 'Revoke a token', ok: empty },
  { method: 'get', path: '/api/health', scope: 'public', tag: 'system', summary: 'Liveness of PostgreSQL and Temporal (503 when one is down)', ok: json(z.object({ ok: z.boolean(), db: z.enum(['ok', 'down']), temporal: z.enum(['ok', 'down']) })) },
  { method: 'get', path: '/api/system', scope: 'public', tag: 'system', summary: 'Which bot runtime is active, and the Temporal UI', ok: json(z.object({ driver: z.string().nullable(), temporalUiUrl: z.string(), namespace: z.string() })) },
  { method: 'get', path: '/api/strategies', scope: 'read', tag: 'strategies', summary: 'Bundled and your own strategy versions', ok: json(z.object({ strategies: z.array(StrategyVersion) })) },
  { method: 'post', path: '/api/strategies', scope: 'trade', tag: 'strategies', summary: 'Upload a strategy version', body: CreateStrategyVersionInput, ok: json(z.object({ strategy: StrategyVersion }), 201) },
  { method: 'get', path: '/api/strategies/{id}', scope: 'read', tag: 'strategies', summary: 'A strategy version with its content', ok: json(z.object({ strategy: StrategyVersion.extend({ content: z.unknown() }) })) },
];

const walletOps: Operation[] = [
  { method: 'get', path: '/api/exchanges/{id}/markets', scope: 'read', tag: 'exchanges', summary: "The symbols of an exchange's active spot markets (404 for an unknown exchange, 502 when it cannot be reached)", ok: json(z.object({ exchange: z.string(), markets: z.array(z.string()) })) },
  { method: 'get', path: '/api/exchange-accounts', scope: 'read', tag: 'exchange accounts', summary: 'Your exchange accounts', ok: json(z.object({ accounts: z.array(ExchangeAccount) })) },
  { method: 'post', path: '/api/exchange-accounts', scope: 'trade', tag: 'exchange accounts', summary: 'Add an account (its key is checked with a real balance call first)', body: CreateExchangeAccountInput, ok: json(z.object({ account: ExchangeAccount }), 201) },
  { method: 'get', path: '/api/exchange-accounts/{id}', scope: 'read', tag: 'exchange accounts', summary: 'An account and its latest wallet snapshot', ok: json(z.object({ account: ExchangeAccount, snapshot: Json.nullable() })) },
  { method: 'patch', path: '/api/exchange-accounts/{id}', scope: 'trade', tag: 'exchange accounts', summary: 'Change label or sync interval', body: UpdateExchangeAccountInput, ok: json(z.object({ account: ExchangeAccount })) },
  { method: 'delete', path: '/api/exchange-accounts/{id}', scope: 'trade', tag: 'exchange accounts', summary: 'Delete an account with its schedule and snapshots', ok: empty },
  { method: 'post', path: '/api/exchange-accounts/{id}/pause', scope: 'trade', tag: 'exchange accounts', summary: 'Pause its wallet sync', ok: json(z.object({ account: ExchangeAccount })) },
  { method: 'post', path: '/api/exchange-accounts/{id}/resume', scope: 'trade', tag: 'exchange accounts', summary: 'Resume (and sync) its wallet sync', ok: json(z.object({ account: ExchangeAccount })) },
  { method: 'post', path: '/api/exchange-accounts/{id}/sync', scope: 'trade', tag: 'exchange accounts', summary: 'Sync now', ok: json(Json) },
  { method: 'get', path: '/api/portfolio', scope: 'read', tag: 'portfolio', summary: 'Your wallets and bots valued in USDT', ok: json(Valuation) },
  { method: 'get', path: '/api/portfolio/history', scope: 'read', tag: 'portfolio', summary: 'Portfolio value over time', query: HistoryQuery, ok: json(z.object({ range: z.string(), points: z.array(ValuationPoint) })) },
  { method: 'get', path: '/api/portfolio/stream', scope: 'read', tag: 'portfolio', summary: 'Live valuation', ok: sse('`valuation` on every change, at most one a second; honours `Last-Event-ID`') },
  { method: 'get', path: '/api/guards', scope: 'read', tag: 'guards', summary: 'Your position guards and risk guards', ok: json(z.object({ guards: z.array(Json), riskGuards: z.array(Json) })) },
  { method: 'get', path: '/api/guards/stream', scope: 'read', tag: 'guards', summary: 'Live guards', ok: sse('`guards` (the same body as GET /api/guards), at most twice a second') },
  { method: 'post', path: '/api/guards', scope: 'trade', tag: 'guards', summary: 'Guard a position (trailing stop, take-profit ladder)', body: CreateGuardInput, ok: json(z.object({ guard: Json }), 201), idempotent: true },
  { method: 'post', path: '/api/guards/batch', scope: 'trade', tag: 'guards', summary: 'Guard many wallet holdings at once (all or none)', body: CreateGuardBatchInput, ok: json(z.object({ guards: z.array(Json) }), 201), idempotent: true },
  { method: 'get', path: '/api/guards/{id}', scope: 'read', tag: 'guards', summary: 'A guard, its event log and workflow link', ok: json(Json) },
  { method: 'patch', path: '/api/guards/{id}', scope: 'trade', tag: 'guards', summary: "Edit a guard's rules", body: GuardRules, ok: json(z.object({ guard: Json })) },
  { method: 'delete', path: '/api/guards/{id}', scope: 'trade', tag: 'guards', summary: 'Cancel a guard', ok: json(z.object({ guard: Json })) },
  { method: 'get', path: '/api/risk-guards', scope: 'read', tag: 'guards', summary: 'Your risk guards', ok: json(z.object({ riskGuards: z.array(Json) })) },
  { method: 'post', path: '/api/risk-guards', scope: 'trade', tag: 'guards', summary: 'Create a max-drawdown / daily-loss guard', body: CreateRiskGuardInput, ok: json(z.object({ riskGuard: Json }), 201), idempotent: true },
  { method: 'get', path: '/api/risk-guards/{id}', scope: 'read', tag: 'guards', summary: 'A risk guard', ok: json(z.object({ riskGuard: Json })) },
  { method: 'patch', path: '/api/risk-guards/{id}', scope: 'trade', tag: 'guards', summary: 'Edit a risk guard', body: RiskRules, ok: json(z.object({ riskGuard: Json })) },
  { method: 'post', path: '/api/risk-guards/{id}/resume', scope: 'trade', tag: 'guards', summary: 'Resume a tripped risk guard', ok: json(z.object({ riskGuard: Json })) },
  { method: 'delete', path: '/api/risk-guards/{id}', scope: 'trade', tag: 'guards', summary: 'Cancel a risk guard', ok: json(z.object({ riskGuard: Json })) },
];

const operatorOps: Operation[] = [
  { method: 'get', path: '/api/pools', scope: 'operator', tag: 'pools', summary: 'Pools, containers and their bots', ok: json(z.object({ pools: z.array(Json) })) },
  { method: 'get', path: '/api/pools/stream', scope: 'operator', tag: 'pools', summary: 'Live pools', ok: sse('`pools` on every placement, settings or stats change, at most twice a second') },
  { method: 'get', path: '/api/pools/{id}', scope: 'operator', tag: 'pools', summary: 'One pool, with its scaler workflow in the Temporal UI', ok: json(z.object({ pool: Json, workflow: WorkflowLinkSchema })) },
  { method: 'patch', path: '/api/pools/{id}/settings', scope: 'operator', tag: 'pools', summary: "Change a pool's settings", body: Json, ok: json(z.object({ pool: Json })) },
  { method: 'post', path: '/api/pools/{id}/scale', scope: 'operator', tag: 'pools', summary: 'Scale to that many containers', body: ScaleBody, ok: json(z.object({ pool: Json })) },
  { method: 'post', path: '/api/pools/{id}/containers/{key}/drain', scope: 'operator', tag: 'pools', summary: "Move a container's bots to the others", ok: json(z.object({ pool: Json })) },
  { method: 'post', path: '/api/pools/{id}/bots/{botId}/move', scope: 'operator', tag: 'pools', summary: 'Move one bot live', body: MoveBody, ok: json(z.object({ pool: Json })) },
  { method: 'get', path: '/api/migrations', scope: 'operator', tag: 'migrations', summary: 'Migration runs and the cutover setting', ok: json(z.object({ runs: z.array(Json), dataSource: Json })) },
  { method: 'post', path: '/api/migrations', scope: 'operator', tag: 'migrations', summary: 'Start a run (its workflow linked in the Temporal UI)', body: StartMigrationInput, ok: json(z.object({ run: Json, workflowLink: WorkflowLinkSchema }), 201) },
  { method: 'get', path: '/api/migrations/{id}', scope: 'operator', tag: 'migrations', summary: 'A run with progress and quarantine', query: RunQuery, ok: json(Json) },
  { method: 'post', path: '/api/migrations/{id}/pause', scope: 'operator', tag: 'migrations', summary: 'Pause a run', ok: json(z.object({ run: Json })) },
  { method: 'post', path: '/api/migrations/{id}/resume', scope: 'operator', tag: 'migrations', summary: 'Resume a run', ok: json(z.object({ run: Json })) },
  { method: 'post', path: '/api/migrations/{id}/abort', scope: 'operator', tag: 'migrations', summary: 'Abort a run', body: AbortBody, ok: json(z.object({ workflow: Json })) },
  { method: 'post', path: '/api/migrations/{id}/approve', scope: 'operator', tag: 'migrations', summary: 'Approve the cutover', body: ApproveBody, ok: json(z.object({ workflow: Json })) },
  { method: 'post', path: '/api/codec/encode', scope: 'operator', tag: 'codec', summary: "Temporal's remote codec protocol: encode", body: JsonPayloads, ok: json(JsonPayloads) },
  { method: 'post', path: '/api/codec/decode', scope: 'operator', tag: 'codec', summary: "Temporal's remote codec protocol: decode", body: JsonPayloads, ok: json(JsonPayloads) },
];

const notificationOps: Operation[] = [
  { method: 'get', path: '/api/notifications', scope: 'read', tag: 'notifications', summary: 'Your newest notifications (operators: also the platform\'s alerts) and the unread count', ok: json(z.object({ notifications: z.array(Notification), unread: z.number() })) },
  { method: 'get', path: '/api/notifications/stream', scope: 'read', tag: 'notifications', summary: 'Live notifications', ok: sse('`notifications` ({notifications: the newest 20, unread}) at once and on every change') },
  { method: 'post', path: '/api/notifications/read', scope: 'read', tag: 'notifications', summary: 'Mark the given notifications (`ids`) or all read', body: z.object({ ids: z.array(z.string()).optional() }), ok: json(z.object({ changed: z.number(), notifications: z.array(Notification), unread: z.number() })) },
  { method: 'get', path: '/api/notifications/channels', scope: 'session', tag: 'notifications', summary: 'Where your notifications go besides the center (secrets are never returned)', ok: json(z.object({ channels: ChannelsView })) },
  { method: 'patch', path: '/api/notifications/channels', scope: 'session', tag: 'notifications', summary: 'Set your webhook (signed with webhookSecret) and Telegram chat (with the bot token)', body: ChannelsInput, ok: json(z.object({ channels: ChannelsView })) },
  { method: 'post', path: '/api/alerts/alertmanager', scope: 'public', tag: 'notifications', summary: "Alertmanager's webhook (Authorization: Bearer ALERTMANAGER_WEBHOOK_TOKEN): alerts become notifications", body: AlertmanagerPayload, ok: json(z.object({ recorded: z.number() })) },
];

const docOps: Operation[] = [
  { method: 'get', path: '/api/openapi.json', scope: 'public', tag: 'docs', summary: 'This document (OpenAPI 3.1)', ok: json(Json) },
  { method: 'get', path: '/api/docs', scope: 'public', tag: 'docs', summary: 'The interactive API reference', ok: { status: 200, media: 'text/html' } },
  { method: 'get', path: '/api/strategies/builtin.schema.json', scope: 'public', tag: 'docs', summary: 'JSON Schema of a builtin strategy document', ok: { status: 200, media: 'application/schema+json' } },
  { method: 'get', path: '/api/docs/scalar.js', scope: 'public', tag: 'docs', summary: "The reference page's script, served locally", ok: { status: 200, media: 'text/javascript' } },
];

export const OPERATIONS: readonly Operation[] = [...accountOps, ...botOps, ...walletOps, ...operatorOps, ...notificationOps, ...docOps];
