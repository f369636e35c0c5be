// Secrets stay out of Temporal's history: read raw, without the codec, the account workflows show no key, secret, balance
// or error message; the API's codec server decodes them for an operator and for nobody else.
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOperator } from '../db/users.js';
import { addExchangeAccountWorkflowId, walletSyncScheduleId } from '../domain/workflow-ids.js';
import { startTestExchange } from '../exchange/test-support.js';
import type { PaperExchangeHandle } from '../exchange/server.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

let ex: PaperExchangeHandle;
let platform: TestPlatform;
let owner: Awaited<ReturnType<typeof signedUpAgent>>;
let operator: Awaited<ReturnType<typeof signedUpAgent>>;
let trader: Awaited<ReturnType<typeof signedUpAgent>>;
let rawClient: Client;
let uiOrigin: string;
const paper = { apiKey: '', secret: '' };
let accountId = '';
let badKeyRun = '';

const b64 = (s: string) => Buffer.from(s, 'base64').toString('latin1');

/** Every payload of a history (proto JSON), except search attributes, which the server itself writes and indexes. */
function payloadsOf(node: unknown, out: JsonPayload[] = []): JsonPayload[] {
  if (Array.isArray(node)) for (const item of node) payloadsOf(item, out);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if ('metadata' in record && 'data' in record) out.push(record as JsonPayload);
    for (const [key, value] of Object.entries(record)) if (key !== 'searchAttributes') payloadsOf(value, out);
  }
  return out;
}

/** The history as raw bytes a reader of Temporal's database would see: its JSON plus every payload base64-decoded. */
async function rawHistory(workflowId: string, runId?: string) {
  const json = historyToJSON(await rawClient.workflow.getHandle(workflowId, runId).fetchHistory());
  const payloads = payloadsOf(JSON.parse(json));
  const text = [json, ...payloads.flatMap((p) => [b64(p.data ?? ''), ...Object.values(p.metadata ?? {}).map(b64)])].join('\n');
  return { text, payloads };
}

const decodeAs = (agent: ReturnType<typeof request.agent> | ReturnType<typeof request>, payloads: JsonPayload[], origin = uiOrigin) =>
  agent.post('/api/codec/decode').set('Origin', origin).set('X-Namespace', 'default').send({ payloads });

beforeAll(async () => {
  ex = await startTestExchange();
  platform = await startPlatform({ env: { PAPER_EXCHANGE_URL: ex.url, BOT_DRIVER: 'process', TF_DATA_DIR: '.data/test-payload-encryption' } });
  uiOrigin = new URL(platform.config.TEMPORAL_UI_URL).origin;
  rawClient = new Client({ connection: platform.temporal.connection, namespace: platform.config.TEMPORAL_NAMESPACE });
  owner = await signedUpAgent(platform.app);
  operator = await signedUpAgent(platform.app);
  await makeOperator(platform.db, operator.email);
  // Signed up after others, so surely not the first user (who becomes operator).
  trader = await signedUpAgent(platform.app);

  Object.assign(paper, ex.createAccount({ balances: { USDT: '98765.4321', BTC: '0.12345678' } }));
  const added = await owner.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
    .send({ label: 'Codec check', apiKey: paper.apiKey, secret: paper.secret });
  expect(added.status).toBe(201);
  accountId = added.body.account.id;
  await waitFor('the first snapshot', async () => (await owner.agent.get(`/api/exchange-accounts/${accountId}`)).body.snapshot);

  const since = new Date().toISOString();
  const refused = await owner.agent.post('/api/exchange-accounts').set('Origin', ORIGIN)
    .send({ label: 'Wrong secret', apiKey: paper.apiKey, secret: 'wrong-secret-123' });
  expect(refused.status).toBe(400);
  const query = `WorkflowType = 'addExchangeAccount' AND TaskQueue = '${platform.config.TEMPORAL_TASK_QUEUE}' AND ExecutionStatus = 'Failed' AND StartTime > '${since}'`;
  badKeyRun = await waitFor('the refused add run', async () => {
    for await (const wf of platform.temporal.workflow.list({ query })) return wf.workflowId;
    return null;
  });
}, 120_000);

afterAll(async () => {
  if (accountId) await owner?.agent.delete(`/api/exchange-accounts/${accountId}`).set('Origin', ORIGIN);
  await platform?.stop();
  await ex?.close();
});

async function walletSyncRun() {
  const schedule = await platform.temporal.schedule.getHandle(walletSyncScheduleId(accountId)).describe();
  const { workflowId, firstExecutionRunId } = schedule.info.recentActions[0]!.action.workflow;
  await platform.temporal.workflow.getHandle(workflowId, firstExecutionRunId).result();
  return rawHistory(workflowId, firstExecutionRunId);
}

const run = promisify(execFile);

describe('encrypted workflow payloads', () => {
  it('keeps the key, the secret, the balances and error messages out of the raw histories', async () => {
    const runs = { add: await rawHistory(addExchangeAccountWorkflowId(accountId)), sync: await walletSyncRun(), refused: await rawHistory(badKeyRun) };
    for (const [name, { text, payloads }] of Object.entries(runs)) {
      expect(payloads.length, name).toBeGreaterThan(0);
      for (const p of payloads) expect(b64(p.metadata?.encoding ?? ''), `${name} payload encoding`).toBe('binary/encrypted');
      for (const secret of [paper.apiKey, paper.secret, 'wrong-secret-123', '98765.4321', '0.12345678', 'USDT', 'Codec check', 'rejected']) {
        expect(text.includes(secret), `${name} history shows ${secret}`).toBe(false);
      }
    }
    // Failures travel as "Encoded failure" with the real message inside an encrypted payload.
    expect(runs.refused.text).toContain('Encoded failure');
  });

  it('decodes them through the codec endpoint for an operator', async () => {
    const sync = await walletSyncRun();
    const decoded = await decodeAs(operator.agent, sync.payloads);
    expect(decoded.status).toBe(200);
    expect(decoded.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(decoded.headers['access-control-allow-credentials']).toBe('true');
    const plain = (decoded.body.payloads as JsonPayload[]).map((p) => b64(p.data ?? '')).join('\n');
    expect(plain).toContain('98765.4321');
    expect(plain).toContain('0.12345678');
    expect(plain).toContain(accountId);

    const add = await decodeAs(operator.agent, (await rawHistory(addExchangeAccountWorkflowId(accountId))).payloads);
    const addPlain = (add.body.payloads as JsonPayload[]).map((p) => b64(p.data ?? '')).join('\n');
    expect(addPlain).toContain('Codec check');
    // Even decoded, the workflow input carries the credentials sealed, never in clear text.
    expect(addPlain).toMatch(/"sealedCredentials":"v2\./);
    expect(addPlain).not.toContain(paper.apiKey);
    expect(addPlain).not.toContain(paper.secret);

    const refused = await decodeAs(operator.agent, (await rawHistory(badKeyRun)).payloads);
    expect((refused.body.payloads as JsonPayload[]).map((p) => b64(p.data ?? '')).join('\n')).toContain('the exchange rejected this API key/secret');

    // Encoding works too (the UI encodes what an operator types, e.g. a signal's input).
    const encoded = await operator.agent.post('/api/codec/encode').set('Origin', uiOrigin)
      .send({ payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hi"').toString('base64') }] });
    expect(b64(encoded.body.payloads[0].metadata.encoding)).toBe('binary/encrypted');
    expect(b64((await decodeAs(operator.agent, encoded.body.payloads)).body.payloads[0].data)).toBe('"hi"');
  });

  it('refuses anyone who is not a signed-in operator, and pages of other origins', async () => {
    const { payloads } = await walletSyncRun();
    const notOperator = await decodeAs(trader.agent, payloads);
    expect(notOperator.status).toBe(403);
    expect(notOperator.body.error.code).toBe('forbidden');
    expect(JSON.stringify(notOperator.body)).not.toContain(Buffer.from('98765.4321').toString('base64'));
    const anonymous = await decodeAs(request(platform.app), payloads);
    expect(anonymous.status).toBe(401);
    const foreign = await decodeAs(operator.agent, payloads, 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const garbage = await decodeAs(operator.agent, [{ ...payloads[0]!, data: Buffer.from('not a ciphertext at all').toString('base64') }]);
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('codec_failed');
  });

  it('answers the browser preflight from the Temporal UI origin', async () => {
    const res = await request(platform.app)
      .options('/api/codec/decode')
      .set('Origin', uiOrigin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-namespace');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toMatch(/content-type/i);
    expect(res.headers['access-control-allow-headers']).toMatch(/x-namespace/i);
  });

  it('decodes for the Temporal CLI with an operator API token (the same remote codec protocol the UI speaks)', async () => {
    const token = (await operator.agent.post('/api/tokens').set('Origin', ORIGIN).send({ name: 'temporal cli', scopes: ['operator'] })).body.token.secret as string;
    const server = platform.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/codec`;
    try {
      const show = (auth: string) =>
        run(process.env.TEMPORAL_CLI!, ['workflow', 'show', '-w', addExchangeAccountWorkflowId(accountId), '--address', platform.config.TEMPORAL_ADDRESS,
          '--namespace', platform.config.TEMPORAL_NAMESPACE, '--codec-endpoint', endpoint, '--codec-auth', auth]);
      const { stdout } = await show(`Bearer ${token}`);
      // The result (the saved account) shows decoded, as JSON.
      expect(stdout).toContain('"label":"Codec check"');
      expect(stdout).toMatch(/ResultEncoding\s+json\/plain/);
      expect(stdout).not.toContain(paper.apiKey);
      const refused = await show('Bearer tf_not-a-token').catch((e: { stdout: string; stderr: string }) => e);
      expect(`${refused.stdout}${refused.stderr}`).not.toContain('Codec check');
    } finally {
      server.close();
    }
  });
});
