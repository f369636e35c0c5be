// Fault: PostgreSQL alone, then the Temporal dev server alone, SIGKILLed and started again on the same data just as a
// portfolio risk guard's drawdown limit is crossed (the wallet's new balance is recorded; the guard's next check is due
// while the service is down). After the restart the guard trips, exactly once: one applyRiskBreach in its history, and
// it stays tripped. No bot is needed (a portfolio of one paper wallet), so the breach has no bot to stop: what is
// proved is that the trip is neither lost nor doubled. Real API, worker, PostgreSQL, Temporal and paper exchange.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskWorkflowId } from '../domain/workflow-ids.js';
import { ORIGIN, signedUpAgent, waitFor } from './platform.js';
import { KillableServices } from './service-kill.js';

const services = new KillableServices('svc-kill-risk-');

beforeAll(() => services.start('services-kill-risk'), 180_000);
afterAll(() => services.stop(), 120_000);

describe('a control-plane service SIGKILLed as a portfolio drawdown limit is crossed', () => {
  it.each(services.cases)('%s: the risk guard trips exactly once', async (_name, killAndRestart) => {
    const { platform, exchange } = services;
    const user = await signedUpAgent(platform.app);
    const paper = exchange.createAccount({ balances: { USDT: '1000' } });
    const added = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
      .send({ exchangeId: 'paper', label: 'risked', apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: 10 });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const accountId: string = added.body.account.id;
    const usdtSynced = (usdt: number) => waitFor(`a snapshot with USDT ${usdt}`, async () => {
      const { body } = await user.agent.get(`/api/exchange-accounts/${accountId}`);
      return body.snapshot?.balances.find((b: { asset: string }) => b.asset === 'USDT')?.total === usdt;
    }, 60_000);
    await usdtSynced(1000);

    const created = await user.agent.post('/api/risk-guards').set('Origin', ORIGIN)
      .send({ scope: { kind: 'portfolio' }, maxDrawdownPct: 10, checkIntervalSeconds: 5 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id: string = created.body.riskGuard.id;
    const guard = async () => (await user.agent.get(`/api/risk-guards/${id}`)).body.riskGuard as { state: string; lastEquity: number | null; trippedReason: string | null };
    await waitFor('a first reading of 1000', async () => (await guard()).lastEquity === 1000, 60_000);

    // 20 % down, beyond the 10 % limit: once the wallet shows it, the service dies before the guard's next check.
    exchange.setBalances(paper.apiKey, { USDT: '800' });
    await usdtSynced(800);
    await killAndRestart();

    const tripped = await waitFor('tripped', async () => ((await guard()).state === 'tripped' ? guard() : null), 90_000);
    expect(tripped.trippedReason).toMatch(/drawdown 20 % from the peak 1000 reached the limit of 10 %/);
    await new Promise((r) => setTimeout(r, 6000)); // a second check would have run by now
    expect((await guard()).state).toBe('tripped');
    const history = await platform.temporal.workflow.getHandle(riskWorkflowId(id)).fetchHistory();
    const breaches = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'applyRiskBreach');
    expect(breaches).toHaveLength(1);
  }, 240_000);
});
