// docker-compose.yml keeps what the platform needs in production: Temporal from its production image with the schema
// applied by temporal-sql-tool, search attributes from the code's one list, compiled JavaScript, the bot images built by
// compose, worker metrics scraped, the paper exchange as an option. (Public images cannot be pulled here: this reads the
// file; test/release-images.test.ts runs the project's own images.)
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../domain/search-attributes.js';
import { repoRoot } from '../scripts/services/paths.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[] | string;
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  volumes?: string[];
}
const text = fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, Service>; configs: Record<string, { content: string }> };
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
};

describe('docker-compose.yml', () => {
  it('runs Temporal from the production server image, its schema set up by temporal-sql-tool first', () => {
    expect(service('temporal').image).toMatch(/^temporalio\/server:/);
    for (const [name, s] of Object.entries(services)) expect(s.image ?? '', name).not.toContain('auto-setup');
    const schema = service('temporal-schema');
    expect(String(schema.command)).toMatch(/temporal-sql-tool .*setup-schema/);
    expect(String(schema.command)).toMatch(/update-schema -d .*versioned/);
    expect(service('temporal').depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
  });

  it('registers search attributes from the code, not from a list of its own', () => {
    expect(service('temporal-setup').command).toEqual(['node', 'dist/app/temporal/setup-main.js']);
    for (const name of Object.keys(SEARCH_ATTRIBUTES)) expect(text, `${name} named in compose`).not.toMatch(new RegExp(`\\b${name}\\b`));
    for (const s of ['worker', 'server']) expect(service(s).depends_on?.['temporal-setup']?.condition).toBe('service_completed_successfully');
  });

  it('runs compiled JavaScript whose source exists, never tsx', () => {
    expect(text).not.toMatch(/\btsx\b/);
    for (const [name, s] of Object.entries(services)) {
      const command = Array.isArray(s.command) ? s.command : [];
      if (command[0] !== 'node') continue;
      const [, file] = command;
      expect(file, name).toMatch(/^dist\/app\/.+\.js$/);
      const source = file!.replace(/^dist\/app\//, '').replace(/\.js$/, '.ts');
      expect(fs.existsSync(path.join(repoRoot, source)), `${name}: ${source}`).toBe(true);
    }
  });

  it('builds the bot images before the worker starts bots from them', () => {
    const botHost = service('bot-host-image');
    expect(botHost.build?.dockerfile).toBe('docker/bot-host.Dockerfile');
    expect(service('worker').environment?.BOT_IMAGE).toBe(botHost.image);
    // The worker runs tradefleet/freqtrade:<version> (domain/freqtrade-config.ts).
    expect(service('freqtrade-image').image).toMatch(/^tradefleet\/freqtrade:/);
    expect(service('freqtrade-image').build?.context).toBe('./freqtrade');
    for (const image of ['bot-host-image', 'freqtrade-image']) {
      expect(service('worker').depends_on?.[image]?.condition).toBe('service_completed_successfully');
    }
  });

  it('scrapes the worker metrics where the worker serves them', () => {
    // Prometheus reads ops/prometheus (mounted read-only), the file the alert rules sit beside.
    expect(service('prometheus').volumes).toContain('./ops/prometheus:/etc/prometheus/tradefleet:ro');
    const scraped = fs.readFileSync(path.join(repoRoot, 'ops/prometheus/prometheus.yml'), 'utf8');
    for (const name of ['WORKER_METRICS_ADDRESS', 'WORKER_APP_METRICS_ADDRESS']) {
      const address = service('worker').environment?.[name] ?? '';
      expect(address, name).toMatch(/^0\.0\.0\.0:\d+$/);
      expect(scraped).toContain(`"worker:${address.split(':')[1]}"`);
    }
  });

  it('offers the paper exchange as an optional service the platform points at', () => {
    const exchange = service('paper-exchange');
    expect(exchange.profiles).toEqual(['paper']);
    expect(exchange.environment?.PAPER_EXCHANGE_HOST).toBe('0.0.0.0');
    for (const s of ['worker', 'server']) {
      expect(service(s).environment?.PAPER_EXCHANGE_URL).toBe(`\${PAPER_EXCHANGE_URL:-http://paper-exchange:${exchange.environment?.PAPER_EXCHANGE_PORT}}`);
    }
  });
});
