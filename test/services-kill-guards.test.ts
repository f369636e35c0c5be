// Fault: PostgreSQL alone, then the Temporal dev server alone, SIGKILLed (the whole process group) and started again on
// the same data while 10 wallet guards watch a price that falls through the trail of half of them. Each guard that
// should exit sells exactly once; the others keep watching. Real API, worker, PostgreSQL, Temporal and paper exchange.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, signedUpAgent, waitFor } from './platform.js';
import { KillableServices } from './service-kill.js';

const services = new KillableServices('svc-kill-');

beforeAll(() => services.start('services-kill'), 180_000);
afterAll(() => services.stop(), 120_000);

describe('a control-plane service SIGKILLed while 10 guards watch a falling price', () => {
  it.each(services.cases)('%s: every guard whose trail is crossed sells exactly once, the others keep watching', async (_name, killAndRestart) => {
    const { platform, exchange } = services;
    const user = await signedUpAgent(platform.app);
    exchange.setPrice('BTCUSDT', 50_000);
    const guards: Array<{ id: string; apiKey: string; tight: boolean }> = [];
    for (let i = 0; i < 10; i++) {
      const paper = exchange.createAccount({ balances: { BTC: '1' } });
      const account = await user.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
        .send({ exchangeId: 'paper', label: `guarded ${i}`, apiKey: paper.apiKey, secret: paper.secret, syncIntervalSeconds: 300 });
      expect(account.status, JSON.stringify(account.body)).toBe(201);
      // Even guards trail by 3 % (the fall crosses it), odd ones by 12 % (it does not).
      const tight = i % 2 === 0;
      const created = await user.agent.post('/api/guards').set('Origin', ORIGIN).send({
        target: { kind: 'wallet', exchangeAccountId: account.body.account.id, symbol: 'BTC/USDT', amount: 0.5 }, trail: { trailPct: tight ? 3 : 12 },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      guards.push({ id: created.body.guard.id, apiKey: paper.apiKey, tight });
    }
    const guardOf = async (id: string) => (await user.agent.get(`/api/guards/${id}`)).body.guard as { state: string; peak: number | null };
    const all = (ok: (g: { state: string; peak: number | null }) => boolean) => async () => (await Promise.all(guards.map((g) => guardOf(g.id)))).every(ok);
    exchange.setPrice('BTCUSDT', 52_000);
    await waitFor('every guard at the new peak', all((g) => (g.peak ?? 0) >= 52_000 * 0.999), 90_000);

    // 4.8 % under the peak: through the 3 % trails, above the 12 % ones. The service dies while the exits are due.
    exchange.setPrice('BTCUSDT', 49_500);
    await new Promise((r) => setTimeout(r, 50));
    await killAndRestart();

    const tight = guards.filter((g) => g.tight);
    await waitFor('every crossed guard exited', async () => (await Promise.all(tight.map((g) => guardOf(g.id)))).every((g) => g.state === 'exited'), 120_000);
    await new Promise((r) => setTimeout(r, 3000)); // a doubled exit would show by now
    for (const g of guards) {
      expect(exchange.account(g.apiKey).orders, `guard ${g.id} (${g.tight ? 'crossed' : 'not crossed'})`).toBe(g.tight ? 1 : 0);
      expect((await guardOf(g.id)).state).toBe(g.tight ? 'exited' : 'watching');
    }
  }, 300_000);
});
