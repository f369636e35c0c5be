// OpenTelemetry traces of one process: off unless an OTLP endpoint is configured (domain/trace-config.ts), then one
// tracer provider exporting OTLP/HTTP (JSON) in batches, and the Temporal interceptors that carry a trace from the API's
// request through the client call, the workflow and its activities. Off, the SDK is not even loaded (it is imported
// when tracing starts), Temporal's options get nothing, and every span helper is a direct call behind one null check.
import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type * as TemporalOtel from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import { traceExportUrl, type TraceSettings } from '../domain/trace-config.js';

export interface Tracing {
  /** Where spans go (`.../v1/traces`). */
  readonly url: string;
  readonly serviceName: string;
  /** Exports what is buffered and stops the exporter (a process shutting down). */
  shutdown(): Promise<void>;
  /** Exports what is buffered now (tests). */
  flush(): Promise<void>;
}

interface Active extends Tracing {
  processor: SpanProcessor;
  resource: Resource;
  interceptors: typeof TemporalOtel;
}

let active: Active | null = null;

/** A URL's query in an error text (ccxt quotes a signed request's URL, signature included), cut before any span leaves. */
export const withoutQueries = (text: string): string => text.replace(/\?[^\s"']*/g, '?…');

/**
 * Temporal's interceptors record a failed workflow's or activity's error message on its span (status and exception
 * event). The platform's errors carry no secret, but an exchange's error may quote the signed URL it called: every
 * span's error texts lose their query strings here, on the way to the exporter.
 */
class ScrubbingProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}
  onStart(span: Span, parent: Context): void {
    this.next.onStart(span, parent);
  }
  onEnd(span: ReadableSpan): void {
    for (const event of span.events) {
      const attributes = event.attributes as Record<string, unknown> | undefined;
      for (const key of ['exception.message', 'exception.stacktrace']) {
        const value = attributes?.[key];
        if (typeof value === 'string') attributes![key] = withoutQueries(value);
      }
    }
    const status = span.status as { message?: string };
    if (status.message) status.message = withoutQueries(status.message);
    this.next.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/** True once startTracing turned tracing on in this process. */
export const tracingActive = (): boolean => active !== null;

/**
 * Turns tracing on for this process when `settings` name an OTLP endpoint; returns null (and registers nothing) when
 * they do not. One provider per process: a second call returns the first.
 */
export async function startTracing(serviceName: string, settings: TraceSettings): Promise<Tracing | null> {
  const url = traceExportUrl(settings);
  if (!url) return null;
  if (active) return active;
  const [{ OTLPTraceExporter }, { Resource }, { BatchSpanProcessor, NodeTracerProvider }, interceptors] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-node'),
    import('@temporalio/interceptors-opentelemetry'),
  ]);
  if (active) return active;
  const name = settings.OTEL_SERVICE_NAME || serviceName;
  const resource = new Resource({ 'service.name': name });
  // The exporter reads OTEL_EXPORTER_OTLP_HEADERS / _TIMEOUT itself; the batch its OTEL_BSP_* settings.
  const processor = new ScrubbingProcessor(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // W3C trace context and baggage propagation, and the AsyncLocalStorage context manager.
  provider.register();
  active = {
    url,
    serviceName: name,
    processor,
    resource,
    interceptors,
    shutdown: () => provider.shutdown(),
    flush: () => provider.forceFlush(),
  };
  return active;
}

/** Stops this process's tracing (exporting what is buffered); nothing when it is off. */
export async function shutdownTracing(): Promise<void> {
  await active?.shutdown();
}

/** What a Temporal Client needs to carry the current trace into the workflows it starts, updates and signals. */
export function clientTracing(): { interceptors?: { workflow: WorkflowClientInterceptor[] } } {
  return active ? { interceptors: { workflow: [new active.interceptors.OpenTelemetryWorkflowClientInterceptor()] } } : {};
}

/**
 * The fields of a workflow's info its spans carry. The SDK's exporter would copy all of its info onto every span, memo
 * and the last run's result included: only these go, so no payload a workflow keeps ever reaches a collector.
 */
const WORKFLOW_SPAN_FIELDS = ['workflowId', 'runId', 'workflowType', 'taskQueue', 'namespace', 'attempt'] as const;

/**
 * What a Worker needs to trace its activities (a span per attempt, a child of the workflow's) and to export the spans
 * its workflows make (a sink the workflow interceptors call: workflows/tracing-interceptors.ts, in the platform bundle).
 * Off, only a sink that drops them: a run started by a tracing client makes its spans whatever the worker (its history
 * says it is traced), and a worker that does not trace throws them away.
 */
export function workerTracing(): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  if (!active) return { sinks: { exporter: { export: { fn: () => undefined } } } };
  const { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, makeWorkflowExporter } = active.interceptors;
  const exporter = makeWorkflowExporter(active.processor, active.resource);
  const exportSpans: typeof exporter.export.fn = (info, ...spans) => {
    const kept = Object.fromEntries(WORKFLOW_SPAN_FIELDS.map((k) => [k, info[k]])) as unknown as typeof info;
    void exporter.export.fn(kept, ...spans);
  };
  const sinks = { exporter: { export: { ...exporter.export, fn: exportSpans } } };
  return {
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    sinks,
  };
}

/** The name of an error for a span's status: its class, never its message (an exchange's answer may quote a request). */
export const errorName = (error: unknown): string => (error instanceof Error ? error.constructor.name : typeof error);

/**
 * Runs `fn` in a span of its own (a child of the current one) when tracing is on; a plain call when it is off.
 * `attributes` must hold no secret: callers pass names, methods and paths, never URLs with queries, bodies or headers.
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  if (!active) return fn();
  return trace.getTracer('tradefleet').startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorName(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
