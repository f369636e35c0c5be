// The Temporal Web UI (the real one, in Chromium) shows an account workflow decoded through the API's codec server,
// once an operator who is signed in to the dashboard turned on the UI's codec setting with cross-origin credentials.
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOperator } from '../db/users.js';
import { addExchangeAccountWorkflowId } from '../domain/workflow-ids.js';
import { startTestExchange } from '../exchange/test-support.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { freePort } from '../scripts/services/ports.js';
import { startTemporal, type TemporalHandle } from '../scripts/services/temporal.js';
import { ORIGIN, signedUpAgent, startPlatform, type TestPlatform } from './platform.js';
import { launchChromium } from './browser-support.js';

let temporal: TemporalHandle;
let ex: PaperExchangeHandle;
let platform: TestPlatform;
let api: Server;
let browser: Browser;
let codecEndpoint: string;
let uiUrl: string;

beforeAll(async () => {
  // A Temporal server of its own: the run's shared one has no Web UI.
  const [port, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  codecEndpoint = `http://127.0.0.1:${apiPort}/api/codec`;
  uiUrl = `http://127.0.0.1:${uiPort}`;
  temporal = await startTemporal({ cli: process.env.TEMPORAL_CLI, port, uiPort, codecEndpoint });
  ex = await startTestExchange();
  platform = await startPlatform({
    env: { PAPER_EXCHANGE_URL: ex.url, BOT_DRIVER: 'process', TEMPORAL_ADDRESS: temporal.address, TEMPORAL_UI_URL: uiUrl, TF_DATA_DIR: '.data/test-browser-codec' },
  });
  api = platform.app.listen(apiPort, '127.0.0.1');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  api?.closeAllConnections();
  api?.close();
  await platform?.stop();
  await ex?.close();
  await temporal?.stop();
});

describe('Temporal Web UI with the codec server', () => {
  it("shows an operator the decoded input and result of an account's workflow", async () => {
    const operator = await signedUpAgent(platform.app);
    await makeOperator(platform.db, operator.email);
    const keys = ex.createAccount({ balances: { USDT: '10' } });
    const added = await operator.agent.post('/api/exchange-accounts').set('Origin', ORIGIN).send({ label: 'Seen through the codec', apiKey: keys.apiKey, secret: keys.secret });
    expect(added.status).toBe(201);
    const accountId: string = added.body.account.id;
    const workflowId = addExchangeAccountWorkflowId(accountId);
    const { runId } = await platform.temporal.workflow.getHandle(workflowId).describe();
    const page = `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;

    const open = async (codecSetting: boolean) => {
      const context = await browser.newContext();
      // The dashboard's session cookie: host-only for 127.0.0.1, so the browser sends it to the API's port too.
      const [name, value] = operator.cookie.split('=');
      await context.addCookies([{ name: name!, value: value!, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' }]);
      if (codecSetting) {
        // What the UI's "Codec Server" dialog stores: endpoint, "use my browser setting", "include cross-origin credentials".
        await context.addInitScript((endpoint) => {
          localStorage.setItem('endpoint', JSON.stringify(endpoint));
          localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
          localStorage.setItem('includeCredentials', 'true');
        }, codecEndpoint);
      }
      const tab = await context.newPage();
      const codecAnswers: number[] = [];
      tab.on('response', (r) => r.url().startsWith(codecEndpoint) && r.request().method() === 'POST' && codecAnswers.push(r.status()));
      await tab.goto(page);
      return { context, tab, codecAnswers };
    };

    // The server-wide endpoint alone (start.ts sets it) calls the codec without cookies: refused, nothing decoded.
    const plain = await open(false);
    await expect.poll(() => plain.codecAnswers, { timeout: 20_000 }).toContain(401);
    expect(await plain.tab.locator('body').innerText()).not.toContain('Seen through the codec');
    await plain.context.close();

    const decoded = await open(true);
    await decoded.tab.getByText('Seen through the codec').first().waitFor({ timeout: 20_000 });
    expect(decoded.codecAnswers.every((s) => s === 200)).toBe(true);
    expect(await decoded.tab.locator('body').innerText()).not.toContain(keys.apiKey);
    await decoded.context.close();

    expect((await operator.agent.delete(`/api/exchange-accounts/${accountId}`).set('Origin', ORIGIN)).status).toBe(204);
  }, 90_000);
});
