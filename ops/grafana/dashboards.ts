// The Grafana dashboards as code: each dashboard is a list of panels with their PromQL, written to
// ops/grafana/dashboards/<uid>.json by `npm run dashboards` (compose provisions that folder). The dashboard test runs
// every query here against a real Prometheus scraping a test platform.

export interface Panel {
  title: string;
  /** PromQL; `$__rate_interval` is Grafana's rate window (the test substitutes a window of its own). */
  expr: string;
  /** Legend per series, Grafana's `{{label}}` syntax. */
  legend?: string;
  kind?: 'timeseries' | 'stat';
  unit?: string;
  /** Why the query can be empty on a healthy platform (the test then checks that it parses, not that it has data). */
  emptyUnless?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  panels: Panel[];
}

const rate = '$__rate_interval';

export const DASHBOARDS: Dashboard[] = [
  {
    uid: 'tradefleet-fleet',
    title: 'tradefleet / Fleet overview',
    description: 'Bots by status, unreachable bots, provisioning, exchange accounts, API health at a glance',
    panels: [
      { title: 'Bots by status', expr: 'sum by (status) (tradefleet_bots)', legend: '{{status}}', kind: 'stat' },
      { title: 'Running bots by engine and placement', expr: 'sum by (engine, placement) (tradefleet_bots{status="running"})', legend: '{{engine}} {{placement}}', kind: 'stat' },
      { title: 'Unreachable bots', expr: 'count(tradefleet_bot_unreachable_seconds) or vector(0)', kind: 'stat' },
      { title: 'Provisioning failures (1 h) by step', expr: 'sum by (step) (increase(tradefleet_bot_provisioning_failures_total[1h]))', legend: '{{step}}' },
      { title: 'Exchange accounts by sync status', expr: 'sum by (status) (tradefleet_exchange_accounts)', legend: '{{status}}', kind: 'stat' },
      { title: 'API 5xx ratio', expr: `(sum(rate(tradefleet_http_request_duration_seconds_count{status=~"5.."}[${rate}])) or vector(0)) / sum(rate(tradefleet_http_request_duration_seconds_count[${rate}]))`, unit: 'percentunit' },
      { title: 'Workers up', expr: 'up{job=~"tradefleet-worker.*"}', legend: '{{job}} {{instance}}', kind: 'stat' },
    ],
  },
  {
    uid: 'tradefleet-bots',
    title: 'tradefleet / Bots',
    description: 'Bot lifecycle: provisioning duration and failures, unreachable bots, trade sync',
    panels: [
      { title: 'Bots by status', expr: 'sum by (status) (tradefleet_bots)', legend: '{{status}}' },
      { title: 'Provisioning duration p50 / p95', expr: `histogram_quantile(0.95, sum by (le) (rate(tradefleet_bot_provisioning_duration_seconds_bucket[${rate}])))`, legend: 'p95', unit: 's' },
      { title: 'Provisioning duration by engine and placement (mean)', expr: `sum by (engine, placement) (rate(tradefleet_bot_provisioning_duration_seconds_sum[${rate}])) / sum by (engine, placement) (rate(tradefleet_bot_provisioning_duration_seconds_count[${rate}]))`, legend: '{{engine}} {{placement}}', unit: 's' },
      { title: 'Provisioning failures by saga step', expr: `sum by (step) (increase(tradefleet_bot_provisioning_failures_total[${rate}]))`, legend: '{{step}}' },
      { title: 'Unreachable bots (seconds since)', expr: 'tradefleet_bot_unreachable_seconds', legend: '{{bot_id}}', unit: 's', emptyUnless: 'a running bot does not answer' },
      { title: 'Trade sync lag', expr: 'time() - tradefleet_trade_sync_last_success_timestamp_seconds', unit: 's' },
      { title: 'Trade sync pass duration', expr: 'tradefleet_trade_sync_pass_seconds', unit: 's' },
      { title: 'Trading-loop iteration time by bot (mean, pooled bots)', expr: `rate(tradefleet_bot_iteration_seconds_total[${rate}]) / rate(tradefleet_bot_iterations_total[${rate}])`, legend: '{{bot_id}}', unit: 's' },
      { title: 'Bot API requests by bot (pooled bots)', expr: `sum by (bot_id) (rate(tradefleet_bot_api_requests_total[${rate}]))`, legend: '{{bot_id}}', unit: 'reqps' },
      { title: 'Failed trading-loop iterations (pooled bots)', expr: `sum by (bot_id) (increase(tradefleet_bot_loop_errors_total[${rate}]))`, legend: '{{bot_id}}' },
    ],
  },
  {
    uid: 'tradefleet-guards',
    title: 'tradefleet / Guards',
    description: 'Guard reaction latency (price crossing to acknowledged exit), exits, exchange errors',
    panels: [
      { title: 'Guard reaction p95 (target 1 s)', expr: `histogram_quantile(0.95, sum by (le) (rate(tradefleet_guard_reaction_seconds_bucket[${rate}])))`, unit: 's' },
      { title: 'Guard reaction p50', expr: `histogram_quantile(0.5, sum by (le) (rate(tradefleet_guard_reaction_seconds_bucket[${rate}])))`, unit: 's' },
      { title: 'Guard exits by reason', expr: `sum by (reason, target) (increase(tradefleet_guard_exits_total[${rate}]))`, legend: '{{reason}} {{target}}' },
      { title: 'Exchange errors by class', expr: `sum by (exchange, error_class) (rate(tradefleet_exchange_errors_total[${rate}]))`, legend: '{{exchange}} {{error_class}}' },
      { title: 'Wallet sync failures', expr: `sum by (status) (increase(tradefleet_wallet_sync_failures_total[${rate}]))`, legend: '{{status}}' },
    ],
  },
  {
    uid: 'tradefleet-pools',
    title: 'tradefleet / Pools',
    description: 'Pool containers: memory against the limit, CPU, bots per container',
    panels: [
      { title: 'Memory / limit', expr: 'tradefleet_pool_container_memory_bytes / tradefleet_pool_container_memory_limit_bytes', legend: '{{pool}} {{container}}', unit: 'percentunit' },
      { title: 'Memory', expr: 'tradefleet_pool_container_memory_bytes', legend: '{{container}}', unit: 'bytes' },
      { title: 'CPU (cores)', expr: 'tradefleet_pool_container_cpu_ratio', legend: '{{container}}' },
      { title: 'Bots per container', expr: 'tradefleet_pool_container_bots', legend: '{{container}}' },
      { title: 'Bot hosts answering (1) or not (0)', expr: 'tradefleet_bot_host_up', legend: '{{host}} {{container}}' },
      { title: 'Bot host process memory', expr: 'tradefleet_bot_host_memory_bytes', legend: '{{container}}', unit: 'bytes' },
      { title: 'Pooled bots running', expr: 'sum(tradefleet_bots{placement="pool",status="running"}) or vector(0)', kind: 'stat' },
    ],
  },
  {
    uid: 'tradefleet-api',
    title: 'tradefleet / API and SLO',
    description: 'API request rate, errors and latency against the SLO (0.1 % errors, p95 500 ms), event streams',
    panels: [
      { title: 'Requests by status', expr: `sum by (status) (rate(tradefleet_http_request_duration_seconds_count[${rate}]))`, legend: '{{status}}', unit: 'reqps' },
      { title: '5xx ratio (SLO 0.1 %)', expr: `(sum(rate(tradefleet_http_request_duration_seconds_count{status=~"5.."}[${rate}])) or vector(0)) / sum(rate(tradefleet_http_request_duration_seconds_count[${rate}]))`, unit: 'percentunit' },
      { title: 'p95 latency (SLO 500 ms)', expr: `histogram_quantile(0.95, sum by (le) (rate(tradefleet_http_request_duration_seconds_bucket{route!~".*(/events/?|/stream)$"}[${rate}])))`, unit: 's' },
      { title: 'p95 latency by route', expr: `histogram_quantile(0.95, sum by (le, route) (rate(tradefleet_http_request_duration_seconds_bucket{route!~".*(/events/?|/stream)$"}[${rate}])))`, legend: '{{route}}', unit: 's' },
      { title: 'Open event streams', expr: 'sum by (route) (tradefleet_sse_streams)', legend: '{{route}}' },
      { title: 'API process CPU', expr: `rate(tradefleet_server_process_cpu_seconds_total[${rate}])` },
    ],
  },
  {
    uid: 'tradefleet-temporal',
    title: 'tradefleet / Temporal',
    description: 'The worker as the Temporal SDK sees it: task failures, latencies, slots, sticky cache; migration progress',
    panels: [
      { title: 'Workflow task failures', expr: `sum by (workflow_type) (increase(tradefleet_worker_workflow_task_execution_failed[${rate}])) or vector(0)`, legend: '{{workflow_type}}' },
      { title: 'Workflows completed', expr: `sum by (workflow_type) (increase(tradefleet_worker_workflow_completed[${rate}]))`, legend: '{{workflow_type}}' },
      { title: 'Activity execution latency p95', expr: `histogram_quantile(0.95, sum by (le, activity_type) (rate(tradefleet_worker_activity_execution_latency_bucket[${rate}])))`, legend: '{{activity_type}}', unit: 'ms' },
      { title: 'Workflow task schedule-to-start p95', expr: `histogram_quantile(0.95, sum by (le, task_queue) (rate(tradefleet_worker_workflow_task_schedule_to_start_latency_bucket[${rate}])))`, legend: '{{task_queue}}', unit: 'ms' },
      { title: 'Free activity slots', expr: 'sum by (task_queue) (tradefleet_worker_worker_task_slots_available{worker_type="ActivityWorker"})', legend: '{{task_queue}}' },
      { title: 'Sticky cache size', expr: 'sum(tradefleet_worker_sticky_cache_size)' },
      { title: 'Migration: documents copied per second', expr: 'sum by (run, collection) (deriv(tradefleet_migration_documents_copied[5m]))', legend: '{{run}} {{collection}}', emptyUnless: 'a migration run is active' },
      { title: 'Migration: progress', expr: 'sum by (run) (tradefleet_migration_documents_copied) / sum by (run) (tradefleet_migration_source_documents)', unit: 'percentunit', emptyUnless: 'a migration run is active' },
    ],
  },
];

/** One dashboard as Grafana's JSON model (schema 39), on the provisioned Prometheus data source. */
export function grafanaJson(d: Dashboard): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: 'prometheus' };
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['tradefleet'],
    editable: false,
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: p.kind ?? 'timeseries',
      title: p.title,
      datasource,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: p.unit ? { unit: p.unit } : {}, overrides: [] },
      options: {},
      targets: [{ refId: 'A', datasource, expr: p.expr, ...(p.legend ? { legendFormat: p.legend } : {}) }],
    })),
  };
}
