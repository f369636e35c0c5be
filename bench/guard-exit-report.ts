// What the guard benchmark prints about single exits: where one exit's time went (its workflow history against the
// moment the exchange crossed its stop), and for guards that never exited, what their row, event log and history say.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { sql } from '../db/pool.js';
import { guardLevels } from '../domain/guard-math.js';
import { guardWorkflowId } from '../domain/workflow-ids.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { z } from 'zod';
import type { GuardFleet } from './guard-fleet.js';

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

const eventName = (e: HistoryEvent) => Object.keys(e).find((k) => k.endsWith('Attributes'))?.replace('EventAttributes', '') ?? '?';
const eventMs = (e: HistoryEvent) => Number(e.eventTime!.seconds) * 1000 + Math.round((e.eventTime!.nanos ?? 0) / 1e6);

/** One line: each history event from 2 s before the crossing on, as its offset from the crossing in ms. */
export async function traceExit(client: Client, guardId: string, crossedAt: number, orderAt: number | null): Promise<string> {
  const history = await client.workflow.getHandle(guardWorkflowId(guardId)).fetchHistory();
  const line = (history.events ?? []).filter((e) => eventMs(e) >= crossedAt - 2000).map((e) => `${eventName(e)}@${eventMs(e) - crossedAt}`);
  return `trace ${guardId.slice(0, 8)} (order at +${orderAt === null ? 'never' : orderAt - crossedAt} ms): ${line.join(' ')}`;
}

const Row = z.object({
  id: z.string(), state: z.string(), peak: z.number(), lastPrice: z.number().nullable(), lastPriceAt: z.string().nullable(), entryPrice: z.number(),
  rules: z.any(), nextTarget: z.number(), breakEven: z.boolean(), lastError: z.string().nullable(), symbol: z.string(),
});

/** For up to 10 guards without an exit order: their row (price against stop), workflow status and history. */
export async function explainMissedExits(fleet: GuardFleet, missed: string[], crossedAt: Map<string, number>): Promise<string[]> {
  if (missed.length === 0) return [];
  const codec = createPayloadCodec(process.env.TF_SECRET_KEY!);
  const lines = [`${missed.length} guards did not exit; the first ${Math.min(10, missed.length)}:`];
  for (const id of missed.slice(0, 10)) {
    const row = await fleet.db.one(sql.type(Row)`
      select id::text, state, peak, last_price, last_price_at, entry_price, rules, next_target, break_even, last_error, symbol from guards where id = ${id}`);
    const { stop } = guardLevels(row, row.peak);
    const handle = fleet.client.workflow.getHandle(guardWorkflowId(id));
    // A batch-made guard that never acted has no workflow.
    const status = await handle.describe().then((d) => d.status.name, () => 'none');
    const t0 = crossedAt.get(id) ?? 0;
    const events: string[] = [];
    for (const e of (await handle.fetchHistory().catch(() => ({ events: [] }))).events ?? []) {
      let what = eventName(e);
      const signal = e.workflowExecutionSignaledEventAttributes;
      if (signal?.input?.payloads?.length) {
        const [payload] = await codec.decode(signal.input.payloads);
        const event = defaultPayloadConverter.fromPayload<{ kind: string; price?: number; peak: number }>(payload!);
        what = `signal(${event.kind}${event.price !== undefined ? ` ${event.price}` : ''} peak ${event.peak})`;
      }
      events.push(`${what}@${eventMs(e) - t0}`);
    }
    lines.push(`  ${id.slice(0, 8)} ${row.symbol} (crossed at ${new Date(t0).toISOString()}) trail ${row.rules?.trail?.trailPct}%: ${row.state} (workflow ${status}), peak ${row.peak}, stop ${stop}, ` +
      `last price ${row.lastPrice} at ${row.lastPriceAt}${row.lastError ? `, error ${row.lastError}` : ''}`);
    lines.push(`    history (ms from crossing): ${events.slice(-25).join(' ')}`);
  }
  return lines;
}
