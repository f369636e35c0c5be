// Traces end to end (issue 16): a bot created through the API is one trace, from the request's span through the
// Temporal client call, the bot workflow and its activities down to the Docker engine's calls, exported over OTLP/HTTP
// to a receiver in this test; exchange calls get spans too; and no span carries a secret.
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExchangeClient } from '../activities/exchange-client.js';
import { secretKeyRing } from '../domain/config.js';
import { exchangeProfile } from '../domain/exchanges.js';
import { TraceSettings } from '../domain/trace-config.js';
import { startPaperExchange } from '../exchange/server.js';
import { platformDataConverter } from '../temporal/data-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { buildWorkflowBundle } from '../worker/bundle.js';
import { inSpan, shutdownTracing, startTracing, tracingActive, type Tracing } from '../telemetry/tracing.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
import { ORIGIN, signedUpAgent, startPlatform, waitFor, type TestPlatform } from './platform.js';

let receiver: OtlpReceiver;
let tracing: Tracing | null;
let platform: TestPlatform;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Batches leave every 200 ms instead of 5 s, so the test waits for spans, not for the exporter's timer.
  process.env.OTEL_BSP_SCHEDULE_DELAY = '200';
  tracing = await startTracing('tradefleet-test', TraceSettings.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }));
  // Dedicated placement (the harness's default): the bot's own activities create and start its container.
  platform = await startPlatform({ env: { BOT_DRIVER: 'docker' } });
}, 180_000);

afterAll(async () => {
  await platform?.stop();
  await shutdownTracing();
  await receiver?.close();
});

const named = (spans: ReceivedSpan[], name: string): ReceivedSpan | undefined => spans.find((s) => s.name === name);

describe('traces over OTLP', () => {
  it('follow one bot creation from the API request through the workflow and its activities to the Docker engine', async () => {
    expect(tracing?.url).toBe(`${receiver.url}/v1/traces`);
    expect(tracingActive()).toBe(true);
    const user = await signedUpAgent(platform.app);
    const created = await user.agent.post('/api/bots').set('Origin', ORIGIN).send({ name: 'Traced bot', pairs: ['BTC/USDT'], stakeAmount: 25 });
    expect(created.status).toBe(201);
    const botId: string = created.body.bot.id;

    const request = await waitFor('the request span', async () =>
      receiver.spans.find((s) => s.name === 'POST /api/bots/' && s.attributes['http.response.status_code'] === 201)
      ?? Promise.reject(new Error(`spans so far: ${[...new Set(receiver.spans.map((s) => s.name))].join(', ')}`)));
    expect(request.attributes['http.route']).toBe('/api/bots/');
    const trace = () => receiver.spans.filter((s) => s.traceId === request.traceId);
    const wanted = [
      'UpdateWithStartWorkflow:createBot', 'HandleUpdate:createBot', 'StartActivity:persistBot', 'RunActivity:persistBot',
      'StartActivity:createBotRuntime', 'RunActivity:createBotRuntime', 'docker POST /containers/create',
      'StartActivity:startBotRuntime', 'RunActivity:startBotRuntime', 'docker POST /containers/{id}/start',
    ];
    const spans = await waitFor(`spans ${wanted.join(', ')} in the request's trace`, async () => {
      const now = trace();
      return wanted.every((name) => named(now, name)) ? now : null;
    }, 120_000);

    // Parent to child, as the calls were made: request → client call → workflow (its update) → activity → Docker.
    const client = named(spans, 'UpdateWithStartWorkflow:createBot')!;
    expect(client.parentSpanId).toBe(request.spanId);
    expect(client.attributes['temporalWorkflowId']).toBe(`bot:${botId}`);
    expect(named(spans, 'HandleUpdate:createBot')!.parentSpanId).toBe(client.spanId);
    const startActivity = named(spans, 'StartActivity:createBotRuntime')!;
    const runActivity = named(spans, 'RunActivity:createBotRuntime')!;
    expect(runActivity.parentSpanId).toBe(startActivity.spanId);
    expect(named(spans, 'docker POST /containers/create')!.parentSpanId).toBe(runActivity.spanId);
    expect(named(spans, 'docker POST /containers/{id}/start')!.parentSpanId).toBe(named(spans, 'RunActivity:startBotRuntime')!.spanId);
    // The workflow's spans come from its sandbox through the worker's sink, with the workflow's id and nothing it keeps.
    expect(startActivity.attributes).toMatchObject({ workflowId: `bot:${botId}`, workflowType: 'botWorkflow' });
    expect(Object.keys(startActivity.attributes)).not.toContain('memo');
    expect(Object.keys(startActivity.attributes)).not.toContain('searchAttributes');

    await waitFor('running', async () => (await user.agent.get(`/api/bots/${botId}`)).body.bot?.status === 'running', 120_000);
    // The workflow's own span ends with the workflow: deleting the bot closes it, in the trace the creation began.
    expect((await user.agent.delete(`/api/bots/${botId}`).set('Origin', ORIGIN)).status).toBe(200);
    const run = await waitFor('the workflow run span', async () => named(trace(), 'RunWorkflow:botWorkflow'), 60_000);
    expect(run.parentSpanId).toBe(client.spanId);
    expect(startActivity.parentSpanId).toBe(run.spanId);

    // The traced run replays on a worker that does not trace (a restart with tracing off): its history says it is traced.
    const history = await platform.temporal.workflow.getHandle(`bot:${botId}`).fetchHistory();
    await Worker.runReplayHistory({
      workflowBundle: { codePath: await buildWorkflowBundle() },
      dataConverter: platformDataConverter(createPayloadCodec(secretKeyRing(platform.config))),
      sinks: { exporter: { export: { fn: () => undefined } } },
    }, history);

    // No secret in any span: the session, the password, the platform's key.
    const sessionId = user.cookie.slice(user.cookie.indexOf('=') + 1);
    const everything = receiver.bodies.join('\n');
    for (const secret of [sessionId, 'correct horse battery', platform.config.TF_SECRET_KEY]) expect(everything).not.toContain(secret);
  }, 300_000);

  it('name exchange calls by method and path, never with their signed query or keys', async () => {
    const exchange = await startPaperExchange({ port: 0, seed: 'traces' });
    try {
      const keys = exchange.createAccount({ balances: { USDT: '100' } });
      const client = createExchangeClient(exchangeProfile('paper', exchange.url), { apiKey: keys.apiKey, secret: keys.secret });
      const parent = await inSpan('balance check', {}, async () => {
        const balance = await client.fetchBalance();
        expect((balance.total as unknown as Record<string, number>)['USDT']).toBe(100);
        return 'done';
      });
      expect(parent).toBe('done');
      const account = await waitFor('the signed call\'s span', async () => receiver.spans.find((s) => s.name === 'exchange GET /api/v3/account'));
      const check = receiver.spans.find((s) => s.name === 'balance check')!;
      expect(account.parentSpanId).toBe(check.spanId);
      expect(account.attributes).toMatchObject({ 'exchange.id': 'paper', 'http.request.method': 'GET', 'url.path': '/api/v3/account' });
      const everything = receiver.bodies.join('\n');
      for (const secret of [keys.secret, keys.apiKey, 'signature=']) expect(everything).not.toContain(secret);
    } finally {
      await exchange.close();
    }
  }, 60_000);
});
