// Activities of risk guards: the rules' record, one equity reading per check (a bot's own /balance, or the user's
// valued portfolio), and the actions on a breach (stop new entries, optionally exit everything) and on resume.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Notifier } from '../telemetry/notify.js';
import { z } from 'zod';
import { findBotWithSecret, listBotsForUser } from '../db/bots.js';
import type { Db } from '../db/pool.js';
import { valueUserPortfolio } from '../db/portfolio.js';
import * as risks from '../db/risk-guards.js';
import { botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import type { BotChannelSettings } from '../domain/bot-channel.js';
import { fieldError } from '../domain/field-error.js';
import { CreateRiskGuardInput, RiskRules, riskRuleIssue, type RiskBook, type RiskGuard, type RiskState } from '../domain/risk.js';
import { botClient, type FreqtradeCredentials } from './freqtrade-client.js';
import { assertSameOwner, confirmedOwner } from './owner-check.js';

export interface RiskActivityDeps {
  db: Db;
  box: SecretBox;
  botChannel: BotChannelSettings;
  /** Tells the guard's owner it tripped. */
  notifier?: Notifier;
}

const Balance = z.looseObject({ total: z.number(), total_bot: z.number().optional() });

export function createRiskActivities(deps: RiskActivityDeps) {
  const { db, box } = deps;

  /** A bot the guard acts on: it must be the guard owner's (both rows say so), whatever the workflow was told. */
  async function clientOf(botId: string, guard: RiskGuard) {
    const bot = await findBotWithSecret(db, botId);
    if (!bot) return null;
    assertSameOwner(`bot ${botId} of risk guard ${guard.id}`, guard.userId, bot.userId);
    const credentials = JSON.parse(box.open(bot.apiCredentials, botCredentialsPlace(bot.id))) as FreqtradeCredentials;
    return { bot, client: botClient(bot, deps.botChannel, credentials, 5000) };
  }

  /** The bots a guard acts on: its bot, or every running bot of the user. */
  async function botsInScope(guard: RiskGuard): Promise<string[]> {
    if (guard.scope.kind === 'bot') return [guard.scope.botId];
    return (await listBotsForUser(db, guard.userId)).filter((b) => b.status === 'running').map((b) => b.id);
  }

  async function requireGuard(riskId: string): Promise<RiskGuard> {
    const guard = await risks.findRiskGuard(db, riskId);
    if (!guard) throw ApplicationFailure.nonRetryable(`risk guard ${riskId} no longer exists`, 'RiskGuardGone');
    return guard;
  }

  return {
    /** Checks and saves a new risk guard; idempotent by id. Bad input fails with a field error (domain/field-error.ts). */
    async createRiskRecord(input: { riskId: string; userId: string; spec: unknown }): Promise<RiskGuard> {
      const parsed = CreateRiskGuardInput.safeParse(input.spec);
      if (!parsed.success) throw fieldError(parsed.error.issues[0]!.path.join('.') || 'scope', parsed.error.issues[0]!.message);
      const { scope, ...rest } = parsed.data;
      const rules = RiskRules.parse(rest);
      const issue = riskRuleIssue(rules);
      if (issue) throw fieldError(issue.field, issue.message);
      const existing = await risks.findRiskGuard(db, input.riskId);
      if (existing) {
        assertSameOwner(`risk guard ${existing.id}`, input.userId, existing.userId);
        return existing;
      }
      await confirmedOwner(db, 'risk', input.riskId, input.userId);
      if (scope.kind === 'bot') {
        const bot = await findBotWithSecret(db, scope.botId);
        if (!bot || bot.userId !== input.userId) throw fieldError('scope.botId', 'no such bot');
      }
      return risks.insertRiskGuard(db, { id: input.riskId, userId: input.userId, scope, rules });
    },

    /** The equity the rules are measured on: the bot's balance in its stake currency, or the portfolio's whole value. */
    async measureEquity(riskId: string): Promise<{ equity: number } | { equity: null; reason: string }> {
      const guard = await requireGuard(riskId);
      if (guard.scope.kind === 'portfolio') {
        const { valuation } = await valueUserPortfolio(db, guard.userId);
        // Everything the guard acts on: real holdings and the dry-run bots' simulated wallets (their trades are what it exits).
        const equity = valuation.total + valuation.simulated.total;
        return equity > 0 ? { equity } : { equity: null, reason: 'nothing in the portfolio can be valued yet' };
      }
      const found = await clientOf(guard.scope.botId, guard);
      if (!found) return { equity: null, reason: 'the bot no longer exists' };
      if (found.bot.status !== 'running') return { equity: null, reason: `the bot is ${found.bot.status}` };
      const balance = Balance.parse(await found.client.get('balance'));
      return { equity: balance.total_bot ?? balance.total };
    },

    async saveRiskReading(input: { riskId: string; book: RiskBook; equity: number; drawdownPct: number; dailyLossPct: number }): Promise<void> {
      await risks.saveRiskReading(db, input.riskId, input);
    },

    async setRiskState(input: { riskId: string; state: RiskState; rules?: RiskRules; trippedReason?: string | null; book?: RiskBook | null }): Promise<void> {
      await risks.setRiskState(db, input.riskId, input);
      if (input.state === 'tripped' && deps.notifier) {
        const guard = await requireGuard(input.riskId);
        // Keyed by this activity: a retry does not notify twice.
        const { activityId, workflowExecution } = Context.current().info;
        await deps.notifier.notify({
          userId: guard.userId, kind: 'risk_tripped', severity: 'critical', botId: null, sourceKey: `risk-tripped:${workflowExecution?.runId ?? input.riskId}:${activityId}`,
          title: 'Risk guard tripped: new entries stopped', body: input.trippedReason ?? '',
        });
      }
    },

    /** A breach: no new entries on every bot in scope (/stopbuy), and with forceExit every open trade exited. Idempotent. */
    async applyRiskBreach(input: { riskId: string; forceExit: boolean }): Promise<{ bots: number; failed: string[] }> {
      const guard = await requireGuard(input.riskId);
      const failed: string[] = [];
      const ids = await botsInScope(guard);
      for (const id of ids) {
        const found = await clientOf(id, guard);
        if (!found || found.bot.status !== 'running') continue;
        try {
          await found.client.post('stopbuy');
          if (input.forceExit) await found.client.post('forceexit', { tradeid: 'all' });
        } catch (error) {
          failed.push(`${found.bot.name}: ${(error as Error).message}`);
        }
      }
      // A bot that did not take the command gets it on the activity's retry.
      if (failed.length) throw ApplicationFailure.retryable(`some bots did not take the breach: ${failed.join('; ')}`, 'RiskActionIncomplete');
      return { bots: ids.length, failed };
    },

    /** The user resumed: entries allowed again on every bot in scope (/start lifts /stopbuy). */
    async liftRiskBreach(riskId: string): Promise<void> {
      const guard = await requireGuard(riskId);
      for (const id of await botsInScope(guard)) {
        const found = await clientOf(id, guard);
        if (found && found.bot.status === 'running') await found.client.post('start');
      }
    },
  };
}

export type RiskActivities = ReturnType<typeof createRiskActivities>;
