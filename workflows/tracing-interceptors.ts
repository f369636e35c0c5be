// The OpenTelemetry workflow interceptors (@temporalio/interceptors-opentelemetry), in every workflow of the platform
// bundle, acting only for a run whose start carried a trace (its client traced, telemetry/tracing.ts). What a run does is
// decided by its own history, never by the worker's settings: a run replays the same on a worker with tracing on or off,
// and runs started without a trace (all of them while tracing is off, and every run recorded before this existed) pass
// every call straight through, without an extra await, and never load the OpenTelemetry code. Putting the interceptors
// only into workers that trace would not do: a run recorded without them fails to replay with them (and the other way
// round), since they change when its promises resolve (workflows/replay.test.ts showed it on a pooled bot's history).
import type { WorkflowInterceptors } from '@temporalio/workflow';
import type * as OtelWorkflow from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';

/** The header the OpenTelemetry client and workflow interceptors carry a trace in. */
const TRACE_HEADER = '_tracer-data';

interface Traced {
  inbound: OtelWorkflow.OpenTelemetryInboundInterceptor;
  outbound: OtelWorkflow.OpenTelemetryOutboundInterceptor;
  internals: OtelWorkflow.OpenTelemetryInternalsInterceptor;
}

function load(): Traced {
  // Loaded on a traced run's start only: an untraced run (the default) never evaluates the OpenTelemetry SDK.
  const otel = require('@temporalio/interceptors-opentelemetry/lib/workflow/index.js') as typeof OtelWorkflow;
  return {
    inbound: new otel.OpenTelemetryInboundInterceptor(),
    outbound: new otel.OpenTelemetryOutboundInterceptor(),
    internals: new otel.OpenTelemetryInternalsInterceptor(),
  };
}

export const interceptors = (): WorkflowInterceptors => {
  let traced: Traced | null = null;
  return {
    inbound: [{
      execute(input, next) {
        if (input.headers[TRACE_HEADER]) traced = load();
        return traced ? traced.inbound.execute(input, next) : next(input);
      },
      handleSignal: (input, next) => (traced ? traced.inbound.handleSignal(input, next) : next(input)),
      handleUpdate: (input, next) => (traced ? traced.inbound.handleUpdate(input, next) : next(input)),
      validateUpdate: (input, next) => (traced ? traced.inbound.validateUpdate(input, next) : next(input)),
      handleQuery: (input, next) => (traced ? traced.inbound.handleQuery(input, next) : next(input)),
    }],
    outbound: [{
      scheduleActivity: (input, next) => (traced ? traced.outbound.scheduleActivity(input, next) : next(input)),
      scheduleLocalActivity: (input, next) => (traced ? traced.outbound.scheduleLocalActivity(input, next) : next(input)),
      startChildWorkflowExecution: (input, next) => (traced ? traced.outbound.startChildWorkflowExecution(input, next) : next(input)),
      continueAsNew: (input, next) => (traced ? traced.outbound.continueAsNew(input, next) : next(input)),
      signalWorkflow: (input, next) => (traced ? traced.outbound.signalWorkflow(input, next) : next(input)),
      getLogAttributes: (input, next) => (traced ? traced.outbound.getLogAttributes(input, next) : next(input)),
    }],
    internals: [{
      dispose(input, next) {
        // The SDK's dispose is async in name only (it stops its context manager, then calls next): nothing to wait for.
        if (traced) void traced.internals.dispose(input, next);
        else next(input);
      },
    }],
  };
};
