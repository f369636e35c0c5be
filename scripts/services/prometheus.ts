// `TF_PROMETHEUS=1 npm start`: Prometheus (the platform's alert rules, ops/prometheus/alerts.yml) and Alertmanager
// (alerts to the API's webhook) from the Debian packages, beside the platform, configured for its 127.0.0.1 ports.
import fs from 'node:fs';
import path from 'node:path';
import { spawnManaged, type ManagedProcess } from './processes.js';
import { httpAnswers, waitFor } from './ports.js';
import { repoRoot } from './paths.js';

export interface PrometheusTargets {
  apiPort: number;
  /** The worker's Temporal SDK endpoint and its own metrics endpoint (host:port; empty: not scraped). */
  workerSdk: string;
  workerApp: string;
  prometheusPort: number;
  alertmanagerPort: number;
  /** The bearer token Alertmanager sends to the API's webhook (ALERTMANAGER_WEBHOOK_TOKEN). */
  webhookToken: string;
  /** The rules Prometheus loads (default ops/prometheus/alerts.yml; tests pass a copy with short `for`s). */
  rulesFile?: string;
  /** Scrape and evaluation interval (default 15s). */
  interval?: string;
}

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** The config files for these ports, written under `dir`. */
export function writeObservabilityConfig(dir: string, t: PrometheusTargets): void {
  fs.mkdirSync(dir, { recursive: true });
  const job = (name: string, target: string) => (target ? [`  - job_name: ${name}`, `    static_configs: [{ targets: ["${target}"] }]`] : []);
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), [
    '# Written by `npm start` (scripts/services/prometheus.ts) on every start; edit ops/prometheus instead.',
    `global: { scrape_interval: ${t.interval ?? '15s'}, evaluation_interval: ${t.interval ?? '15s'} }`,
    `rule_files: ["${t.rulesFile ?? path.join(repoRoot, 'ops', 'prometheus', 'alerts.yml')}"]`,
    `alerting: { alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:${t.alertmanagerPort}"] }] }] }`,
    'scrape_configs:',
    ...job('tradefleet-server', `127.0.0.1:${t.apiPort}`),
    ...job('tradefleet-worker', t.workerSdk),
    ...job('tradefleet-worker-app', t.workerApp),
    '',
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'webhook-token'), t.webhookToken, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), [
    '# Written by `npm start` (scripts/services/prometheus.ts); the compose stack uses ops/alertmanager/alertmanager.yml.',
    `route: { receiver: tradefleet, group_by: [alertname, bot_id, step, container, exchange, run], group_wait: ${t.interval ?? '10s'}, group_interval: 1m, repeat_interval: 4h }`,
    'receivers:',
    '  - name: tradefleet',
    '    webhook_configs:',
    `      - url: http://127.0.0.1:${t.apiPort}/api/alerts/alertmanager`,
    '        send_resolved: true',
    `        http_config: { authorization: { credentials_file: "${path.join(dir, 'webhook-token')}" } }`,
    '',
  ].join('\n'));
}

export async function startObservability(dir: string, t: PrometheusTargets): Promise<{ prometheus: ManagedProcess; alertmanager: ManagedProcess }> {
  for (const bin of [PROMETHEUS_BIN, ALERTMANAGER_BIN]) {
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run scripts/setup.sh with TF_PROMETHEUS=1 (it installs the prometheus and prometheus-alertmanager packages)`);
  }
  writeObservabilityConfig(dir, t);
  const alertmanager = spawnManaged('alertmanager', ALERTMANAGER_BIN, [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'alertmanager-data')}`,
    `--web.listen-address=127.0.0.1:${t.alertmanagerPort}`, '--cluster.listen-address=',
  ], { output: { file: path.join(dir, 'alertmanager.log') } });
  const prometheus = spawnManaged('prometheus', PROMETHEUS_BIN, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${t.prometheusPort}`,
  ], { output: { file: path.join(dir, 'prometheus.log') } });
  await Promise.all([
    waitFor(`Alertmanager on :${t.alertmanagerPort}`, () => httpAnswers(`http://127.0.0.1:${t.alertmanagerPort}/-/ready`), { timeoutMs: 30_000, alive: () => alertmanager.running }),
    waitFor(`Prometheus on :${t.prometheusPort}`, () => httpAnswers(`http://127.0.0.1:${t.prometheusPort}/-/ready`), { timeoutMs: 60_000, alive: () => prometheus.running }),
  ]);
  return { prometheus, alertmanager };
}
