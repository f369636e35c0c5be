// Where one bot's provisioning spends its time, read from its workflow history: workflow start → placement requested
// (the requestPlacement activity done) → the pool's answer signal → the health wait done → the `running` write done.
// The benchmarks print the median and p95 of each phase, so a slow p95 names its phase instead of being guessed at.
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { botWorkflowId } from '../domain/workflow-ids.js';

/** The fields of a history event (JSON form) these readings use. */
interface HistoryEvent {
  eventId: string;
  eventTime: string;
  eventType: string;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
  activityTaskStartedEventAttributes?: { scheduledEventId?: string };
  activityTaskCompletedEventAttributes?: { scheduledEventId?: string };
  workflowExecutionSignaledEventAttributes?: { signalName?: string };
}

export interface ProvisionPhases {
  /** Workflow started → requestPlacement done (pooled) or createBotRuntime + startBotRuntime done (dedicated). */
  request: number;
  /** → the pool's placementAnswer signal (0 for dedicated bots). */
  answer: number;
  /** → waitBotHealthy done. */
  health: number;
  /** → the last setBotStatus done (the row says `running`). */
  running: number;
}

const ms = (t: string | undefined): number => (t ? Date.parse(t) : 0);

export async function provisionPhases(client: Client, botId: string): Promise<ProvisionPhases> {
  const history = JSON.parse(historyToJSON(await client.workflow.getHandle(botWorkflowId(botId)).fetchHistory())) as { events?: HistoryEvent[] };
  const events = history.events ?? [];
  const start = ms(events[0]?.eventTime);
  const scheduled = new Map<number, string>();
  let request = 0;
  let answer = 0;
  let health = 0;
  let running = 0;
  for (const e of events) {
    const at = ms(e.eventTime) - start;
    if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') {
      scheduled.set(Number(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name ?? '');
    } else if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED') {
      const name = scheduled.get(Number(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? 0));
      if (name === 'requestPlacement' || name === 'startBotRuntime') request ||= at;
      else if (name === 'waitBotHealthy') health = at;
      else if (name === 'setBotStatus' && health) running ||= at;
    } else if (e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED' && e.workflowExecutionSignaledEventAttributes?.signalName === 'placementAnswer') {
      answer ||= at;
    }
  }
  answer ||= request;
  return { request, answer: answer - request, health: health - answer, running: running - health };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Whether the bot's workflow has asked its pool for a place (its requestPlacement activity is done). */
export async function placementRequested(client: Client, botId: string): Promise<boolean> {
  return (await provisionPhases(client, botId)).request > 0;
}

/** One line per phase: median and p95 over the bots, in ms. */
export function phaseTable(all: readonly ProvisionPhases[]): string {
  const keys: (keyof ProvisionPhases)[] = ['request', 'answer', 'health', 'running'];
  return keys
    .map((k) => {
      const sorted = all.map((p) => p[k]).sort((a, b) => a - b);
      return `    ${k.padEnd(8)} median ${String(percentile(sorted, 50)).padStart(5)} ms, p95 ${String(percentile(sorted, 95)).padStart(5)} ms`;
    })
    .join('\n');
}

/**
 * How long each kind of activity of one workflow run took, median and p95 in ms: waiting in its task queue (scheduled →
 * started) and running (started → completed). For the pool scaler this says whether placement waits for slots or work.
 */
export async function activityTimings(client: Client, workflowId: string): Promise<string> {
  const history = JSON.parse(historyToJSON(await client.workflow.getHandle(workflowId).fetchHistory())) as { events?: HistoryEvent[] };
  const scheduled = new Map<string, { name: string; at: number; startedAt?: number }>();
  const byName = new Map<string, { wait: number[]; run: number[] }>();
  for (const e of history.events ?? []) {
    const at = ms(e.eventTime);
    if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') scheduled.set(e.eventId, { name: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?', at });
    else if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_STARTED') {
      const s = scheduled.get(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '');
      if (s) s.startedAt = at;
    } else if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED') {
      const s = scheduled.get(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '');
      if (!s || s.startedAt === undefined) continue;
      const t = byName.get(s.name) ?? { wait: [], run: [] };
      t.wait.push(s.startedAt - s.at);
      t.run.push(at - s.startedAt);
      byName.set(s.name, t);
    }
  }
  const fmt = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return `median ${percentile(sorted, 50)}, p95 ${percentile(sorted, 95)}`;
  };
  return [...byName].map(([name, t]) => `    ${name} ×${t.run.length}: queued ${fmt(t.wait)} ms; ran ${fmt(t.run)} ms`).join('\n');
}
