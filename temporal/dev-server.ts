// Flags for the Temporal CLI dev server (`temporal server start-dev`) used by `npm start` and the test harness.
import { searchAttributeFlags } from './search-attributes.js';

export interface DevServerOptions {
  /** SQLite file for durable state; in memory when absent (tests). */
  dbFile?: string;
  ip?: string;
  port: number;
  /** Web UI port; the UI is disabled when absent. */
  uiPort?: number;
  namespace?: string;
  /** Payload codec server the Web UI calls to decode encrypted payloads. */
  codecEndpoint?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Extra dynamic config values (tests that need a server with tighter limits). */
  dynamicConfig?: Record<string, string | number | boolean>;
}

export const DEFAULT_NAMESPACE = 'default';

export function devServerArgs(o: DevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', o.ip ?? '127.0.0.1', '--port', String(o.port)];
  args.push('--namespace', o.namespace ?? DEFAULT_NAMESPACE);
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  if (o.uiPort) {
    // The machine has no internet: the UI must not try to fetch its news feed.
    args.push('--ui-port', String(o.uiPort), '--ui-disable-news-fetch');
    if (o.codecEndpoint) args.push('--ui-codec-endpoint', o.codecEndpoint);
  } else {
    args.push('--headless');
  }
  args.push(...searchAttributeFlags());
  // Task-queue fairness (Server 1.29+): tasks carrying a fairness key (a bot's owner) are dispatched key by key.
  args.push('--dynamic-config-value', 'matching.enableFairness=true');
  for (const [key, value] of Object.entries(o.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  args.push('--log-level', o.logLevel ?? 'warn');
  return args;
}
