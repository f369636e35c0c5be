// `TF_PROMETHEUS=1 npm start`, end to end: Prometheus and Alertmanager run beside the platform and their URLs are
// printed; Prometheus scrapes the server and both worker endpoints and loads the alert rules (BotUnreachable with a
// short `for` here); a bot whose container is killed fires BotUnreachable, Alertmanager calls the platform's webhook,
// and the bot's owner sees the notification arrive, live, in the dashboard's notification center (Chromium).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePort } from '../scripts/services/ports.js';
import type { Browser } from 'playwright-core';
import { launchChromium, openHydrated, signedInContext } from './browser-support.js';
import { createControlPlane, type ControlPlane } from './control-plane.js';
import { removeDockerThings } from './fleet-check.js';

const docker = new Docker();
let plane: ControlPlane;
let promUrl: string;
let amUrl: string;
let rulesDir: string;
const userIds: string[] = [];
let browser: Browser | null = null;

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${last}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  const [prom, am, sdk, app] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  promUrl = `http://127.0.0.1:${prom}`;
  amUrl = `http://127.0.0.1:${am}`;
  // The shipped rules, BotUnreachable's `for` shortened so the test need not wait 2 minutes.
  const rules = parse(fs.readFileSync('ops/prometheus/alerts.yml', 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; for?: string }> }> };
  for (const g of rules.groups) for (const r of g.rules) if (r.alert === 'BotUnreachable') r.for = '1s';
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-rules-'));
  const rulesFile = path.join(rulesDir, 'alerts.yml');
  fs.writeFileSync(rulesFile, stringify(rules));
  plane = await createControlPlane({
    TF_PROMETHEUS: '1', TF_PROMETHEUS_PORT: String(prom), TF_ALERTMANAGER_PORT: String(am), TF_PROMETHEUS_INTERVAL: '1s', TF_PROMETHEUS_RULES: rulesFile,
    WORKER_METRICS_ADDRESS: `127.0.0.1:${sdk}`, WORKER_APP_METRICS_ADDRESS: `127.0.0.1:${app}`, BOT_PLACEMENT: 'dedicated',
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await plane?.destroy();
  if (plane) await removeDockerThings(docker, plane, userIds);
  if (rulesDir) fs.rmSync(rulesDir, { recursive: true, force: true });
}, 120_000);

describe('npm start with TF_PROMETHEUS=1', () => {
  it('runs Prometheus and Alertmanager, prints their URLs, scrapes server and worker, and a killed bot reaches its owner as a notification', async () => {
    await plane.start();
    const printed = fs.readFileSync(path.join(plane.dir, 'start.log'), 'utf8');
    expect(printed).toContain(`Prometheus   ${promUrl}`);
    expect(printed).toContain(`Alertmanager ${amUrl}`);

    const up = await until('all targets up', async () => {
      const targets = ((await (await fetch(`${promUrl}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ labels: { job: string }; health: string }> } }).data.activeTargets;
      const healthy = targets.filter((t) => t.health === 'up').map((t) => t.labels.job).sort();
      if (healthy.length < 3) throw new Error(`up: ${healthy.join(', ')}`);
      return healthy;
    }, 60_000);
    expect(up).toEqual(['tradefleet-server', 'tradefleet-worker', 'tradefleet-worker-app']);
    const rules = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: Array<{ rules: Array<{ name: string }> }> } };
    expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual(expect.arrayContaining(['BotUnreachable', 'WorkerDown', 'ApiErrorRate', 'MigrationStalled']));

    const headers = { origin: plane.origin, 'content-type': 'application/json' };
    const signup = await fetch(`${plane.apiUrl}/api/auth/signup`, { method: 'POST', headers, body: JSON.stringify({ email: `alerted-${Date.now()}@example.com`, password: 'correct horse battery' }) });
    expect(signup.status).toBe(201);
    const cookie = String(signup.headers.get('set-cookie')).split(';')[0]!;
    userIds.push(((await signup.json()) as { user: { id: string } }).user.id);
    const owner = {
      async call(method: string, route: string, body?: unknown) {
        const res = await fetch(`${plane.apiUrl}${route}`, { method, headers: { ...headers, cookie }, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      },
    };
    const created = await owner.call('POST', '/api/bots', { name: 'to be killed', pairs: ['BTC/USDT'], stakeAmount: 10, placement: 'dedicated' });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;
    await until('the bot running', async () => (await owner.call('GET', `/api/bots/${botId}`)).body?.bot?.status === 'running');
    // The owner's dashboard is open before anything breaks: the notification must arrive live.
    browser = await launchChromium();
    const page = await (await signedInContext(browser, plane.origin, cookie)).newPage();
    await openHydrated(page, `${plane.origin}/bots`);
    await page.getByTestId('notifications-button').click();
    await page.getByTestId('notifications-panel').waitFor();
    expect(await page.getByTestId('notifications-unread').count()).toBe(0);

    const [container] = await docker.listContainers({ filters: { label: [`tradefleet.bot=${botId}`] } });
    await docker.getContainer(container!.Id).kill();

    const notification = await until('the BotUnreachable notification', async () => {
      const { body } = await owner.call('GET', '/api/notifications');
      return (body.notifications as Array<{ kind: string; botId: string; title: string }>).find((n) => n.kind === 'alert:BotUnreachable' && n.botId === botId);
    }, 150_000);
    expect(notification.title).toContain(botId);
    expect((await owner.call('GET', '/api/notifications')).body.unread).toBeGreaterThanOrEqual(1);

    // In the dashboard, without a reload: the unread count and the alert, linking the bot; then all read.
    const shown = page.locator(`[data-testid="notification"][data-kind="alert:BotUnreachable"][data-bot-id="${botId}"]`);
    await shown.first().waitFor({ timeout: 30_000 });
    expect(Number(await page.getByTestId('notifications-unread').textContent())).toBeGreaterThanOrEqual(1);
    expect(await shown.first().textContent()).toContain(botId);
    await page.getByTestId('notifications-read-all').click();
    await page.getByTestId('notifications-unread').waitFor({ state: 'detached', timeout: 15_000 });
  }, 420_000);
});
