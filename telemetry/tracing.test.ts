// Tracing is off by default: without an OTLP endpoint in the environment nothing is registered or exported, Temporal's
// clients and workers get no interceptor, and Docker clients stay as they are.
// (A file of its own: once on, tracing stays on in a process. test/traces.test.ts turns it on.)
import { trace } from '@opentelemetry/api';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../domain/config.js';
import { DEFAULT_OTLP_TRACES_URL, TraceSettings, traceExportUrl } from '../domain/trace-config.js';
import { bundlePathOf, buildWorkflowBundle } from '../worker/bundle.js';
import { dockerPathTemplate, traceDocker } from './trace-docker.js';
import { clientTracing, inSpan, startTracing, tracingActive, withoutQueries, workerTracing } from './tracing.js';

const settings = (env: Record<string, string>) => TraceSettings.parse(env);
/** The environment without any OTEL_ variable the machine may have (and without empty values, which mean "default"). */
const withoutOtel = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith('OTEL_') && v !== ''));

describe('where traces go', () => {
  it('nowhere unless an endpoint is named or otlp asked for; none wins', () => {
    expect(traceExportUrl(settings({}))).toBeNull();
    expect(traceExportUrl(readConfig(withoutOtel))).toBeNull();
    expect(traceExportUrl(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toBe('http://collector:4318/v1/traces');
    expect(traceExportUrl(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' }))).toBe('http://b:4318/traces');
    expect(traceExportUrl(settings({ OTEL_TRACES_EXPORTER: 'otlp' }))).toBe(DEFAULT_OTLP_TRACES_URL);
    expect(traceExportUrl(settings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBeNull();
  });

  it('rejects an exporter it does not have and a bad endpoint, naming the variable', () => {
    expect(() => readConfig({ ...withoutOtel, OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(/OTEL_TRACES_EXPORTER: must be otlp or none/);
    expect(() => readConfig({ ...withoutOtel, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http/);
  });

  it('cut the query out of an error text before it goes on a span', () => {
    const text = 'binance GET http://127.0.0.1:8090/api/v3/account?timestamp=1&signature=abc123 503 Service Unavailable';
    expect(withoutQueries(text)).toBe('binance GET http://127.0.0.1:8090/api/v3/account?… 503 Service Unavailable');
  });

  it('names Docker calls by kind, without ids, names or queries', () => {
    expect(dockerPathTemplate('/containers/create?')).toBe('/containers/create');
    expect(dockerPathTemplate('/containers/3f2a9c/start?')).toBe('/containers/{id}/start');
    expect(dockerPathTemplate('/v1.41/containers/tf-bot-1/archive?path=%2Frun')).toBe('/containers/{id}/archive');
    expect(dockerPathTemplate('/images/tradefleet/bot-host:latest/json')).toBe('/images/{id}/json');
    expect(dockerPathTemplate('/_ping')).toBe('/_ping');
  });
});

describe('without the environment', () => {
  it('starts no exporter, registers no tracer and leaves Temporal, Docker and the bundle untouched', async () => {
    expect(await startTracing('tradefleet-test', readConfig(withoutOtel))).toBeNull();
    expect(tracingActive()).toBe(false);
    // No provider registered: the API's global tracer makes spans that record nothing.
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(await inSpan('plain call', {}, async () => trace.getActiveSpan())).toBeUndefined();
    expect(clientTracing()).toEqual({});
    // A worker gets no interceptor, only the sink that drops what a run started by a tracing client would send.
    const worker = workerTracing();
    expect(worker.interceptors).toBeUndefined();
    expect(Object.keys(worker.sinks ?? {})).toEqual(['exporter']);
    const docker = new Docker();
    const dial = docker.modem.dial;
    expect(traceDocker(docker).modem.dial).toBe(dial);
    expect(await buildWorkflowBundle()).toBe(bundlePathOf('platform'));
  }, 120_000);
});
