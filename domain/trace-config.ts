// Where a process sends its OpenTelemetry traces: the standard OTEL_* variables, read with the platform's config.
// Tracing is off unless an OTLP endpoint is named (or OTEL_TRACES_EXPORTER=otlp asks for the default one).
import { z } from 'zod';

const urlOrEmpty = z.string().regex(/^$|^https?:\/\/[^\s/?#]+[^\s]*$/, 'must be an http:// or https:// URL (OTLP over HTTP)');

export const TraceSettings = z.object({
  /** `otlp` (OTLP/HTTP with JSON bodies) or `none`; empty: otlp when an endpoint below is set, else off. */
  OTEL_TRACES_EXPORTER: z.enum(['', 'none', 'otlp'], { message: 'must be otlp or none (traces go over OTLP/HTTP)' }).default(''),
  /** The collector's base URL (traces go to `<url>/v1/traces`), as every OpenTelemetry SDK reads it. */
  OTEL_EXPORTER_OTLP_ENDPOINT: urlOrEmpty.default(''),
  /** The full URL for traces only; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: urlOrEmpty.default(''),
  /** The `service.name` of this process's spans; empty: `tradefleet-server` or `tradefleet-worker`. */
  OTEL_SERVICE_NAME: z.string().default(''),
});
export type TraceSettings = z.infer<typeof TraceSettings>;

/** The OpenTelemetry SDKs' default collector address, used when only OTEL_TRACES_EXPORTER=otlp is set. */
export const DEFAULT_OTLP_TRACES_URL = 'http://localhost:4318/v1/traces';

/** Where this process's spans go, or null when tracing is off (the default). */
export function traceExportUrl(settings: TraceSettings): string | null {
  if (settings.OTEL_TRACES_EXPORTER === 'none') return null;
  if (settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (settings.OTEL_EXPORTER_OTLP_ENDPOINT) return `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return settings.OTEL_TRACES_EXPORTER === 'otlp' ? DEFAULT_OTLP_TRACES_URL : null;
}
