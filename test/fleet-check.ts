// A client's burst of bot creates against a control plane (some with Idempotency-Key, retried after a cut), and the
// outside view of whether its fleet converged: every bot running exactly once (one pool list or one container), its API
// answering, and nothing of the platform's left in Docker that no bot owns.
import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { createFreqtradeClient } from '../activities/freqtrade-client.js';
import { readTarFile } from '../activities/tar.js';
import type { Bot } from '../domain/bot.js';
import { botEndpoint } from '../domain/bot-channel.js';
import { freqtradePoolId } from '../domain/freqtrade-pool.js';
import type { ApiUser, ControlPlane } from './control-plane.js';

export interface CreateRequest {
  spec: Record<string, unknown>;
  key: string | null;
  /** The HTTP status, or `cut` when the kill took the answer with it; null while in flight. */
  answer: number | 'cut' | null;
  botId: string | null;
}

export type BotKind = 'pool' | 'dedicated' | 'freqtrade' | 'freqtrade-pool';
/** `freqtrade`: a dedicated FreqTrade bot; `freqtrade-pool`: one in the FreqTrade pool. */
export const specOf = (kind: BotKind, name: string): Record<string, unknown> =>
  kind === 'freqtrade' || kind === 'freqtrade-pool'
    ? { name, pairs: ['BTC/USDT'], stakeAmount: 10, engine: 'freqtrade', placement: kind === 'freqtrade' ? 'dedicated' : 'pool' }
    : { name, pairs: ['BTC/USDT'], stakeAmount: 10, placement: kind };

/** Sends every create at once; `keyed(i)` says which carry an Idempotency-Key. Returns at once: `settled` ends with them. */
export function sendBurst(user: ApiUser, kinds: readonly BotKind[], keyed: (i: number) => boolean, label: string) {
  const requests: CreateRequest[] = kinds.map((kind, i) => ({ spec: specOf(kind, `${label} ${kind} ${i}`), key: keyed(i) ? randomUUID() : null, answer: null, botId: null }));
  const settled = Promise.all(
    requests.map(async (r) => {
      try {
        const res = await user.call('POST', '/api/bots', r.spec, r.key ? { 'idempotency-key': r.key } : {}, 180_000);
        r.answer = res.status;
        r.botId = res.status === 201 ? (res.body.bot.id as string) : null;
      } catch {
        r.answer = 'cut';
      }
    }),
  );
  return { requests, settled };
}

/** What a client does after a cut: the same request with the same Idempotency-Key, until it is answered. */
export async function retryCut(user: ApiUser, requests: readonly CreateRequest[], timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const r of requests.filter((x) => x.answer === 'cut' && x.key)) {
    for (;;) {
      try {
        const res = await user.call('POST', '/api/bots', r.spec, { 'idempotency-key': r.key! }, 60_000);
        if (res.status < 500) {
          r.answer = res.status;
          r.botId = res.status === 201 ? (res.body.bot.id as string) : null;
          break;
        }
      } catch {
        // the platform is still coming up
      }
      if (Date.now() > deadline) throw new Error(`a retried create got no answer within ${timeoutMs / 1000} s`);
      await new Promise((r2) => setTimeout(r2, 500));
    }
  }
}

/** The bots a pool container lists: a builtin bot host's config, or a FreqTrade pool parent's `pool.json`. */
async function botListOf(docker: Docker, container: Docker.ContainerInfo): Promise<string[]> {
  const freqtrade = container.Labels['tradefleet.engine'] === 'freqtrade';
  const stream = await docker.getContainer(container.Id).getArchive({ path: freqtrade ? '/pool/pool.json' : '/config/bot-host.json' });
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  const file = readTarFile(Buffer.concat(chunks));
  if (!file) return [];
  const list = JSON.parse(file.toString()) as { bots: Array<{ botId?: string; id?: string }> };
  return list.bots.map((b) => (freqtrade ? b.id : b.botId) ?? '');
}

async function answers(bot: Bot, socketDir: string): Promise<boolean> {
  const client = createFreqtradeClient(botEndpoint(bot, { socketDir, fallbackHost: '127.0.0.1' }), { username: 'x', password: 'x' }, 2000);
  return client.ping().catch(() => false);
}

/**
 * Everything that keeps the fleet from being converged, in words; empty when it is. `expected`: bots whose create was
 * answered 201 (or retried until it was). Every bot of the user must be running, exactly once, and answering.
 */
export async function fleetProblems(plane: ControlPlane, user: ApiUser, docker: Docker, expected: readonly string[]): Promise<FleetCheck> {
  const problems: string[] = [];
  const silentRunning: string[] = [];
  const listed = await user.call('GET', '/api/bots', undefined, {}, 10_000);
  if (listed.status !== 200) return { problems: [`GET /api/bots answered ${listed.status}`], silentRunning };
  const bots = listed.body.bots as Bot[];
  const byId = new Map(bots.map((b) => [b.id, b]));
  for (const id of expected) if (!byId.has(id)) problems.push(`bot ${id} was answered 201 but does not exist`);
  const pings = await Promise.all(bots.map(async (b) => [b.id, b.status === 'running' && (await answers(b, plane.socketDir))] as const));
  const answering = new Map(pings);
  for (const b of bots) {
    if (b.status !== 'running') problems.push(`${b.name} is ${b.status}${b.lastError ? ` (${b.lastError})` : ''}`);
    else if (!answering.get(b.id)) {
      problems.push(`${b.name} is shown running but its API does not answer`);
      silentRunning.push(b.id);
    }
  }

  // Pooled bots (builtin and FreqTrade): in exactly one running pool container's list; no pool container stopped or unknown.
  const poolContainers = [
    ...(await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${plane.poolId}`] } })),
    ...(await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${freqtradePoolId(plane.poolId)}`] } })),
  ];
  const places = new Map<string, number>();
  for (const c of poolContainers) {
    if (c.State !== 'running') {
      problems.push(`pool container ${c.Labels['tradefleet.pool-container']} is ${c.State}`);
      continue;
    }
    for (const id of await botListOf(docker, c)) {
      places.set(id, (places.get(id) ?? 0) + 1);
      // Bots of other users share the containers: only this user's are judged here.
      const bot = byId.get(id);
      if (bot && bot.status !== 'running') problems.push(`pool container ${c.Labels['tradefleet.pool-container']} runs ${bot.name}, which is ${bot.status}`);
    }
  }
  for (const b of bots.filter((x) => x.placement === 'pool' && x.status === 'running')) {
    if ((places.get(b.id) ?? 0) !== 1) problems.push(`${b.name} is in ${places.get(b.id) ?? 0} pool lists`);
  }

  // Dedicated bots: exactly one running container each; no container or volume of a bot that does not exist.
  const own = await docker.listContainers({ all: true, filters: { label: [`tradefleet.user=${user.userId}`] } });
  for (const b of bots.filter((x) => x.placement === 'dedicated')) {
    const mine = own.filter((c) => c.Labels['tradefleet.bot'] === b.id);
    if (mine.length !== 1 || mine[0]!.State !== 'running') problems.push(`${b.name} has ${mine.length} container(s) (${mine.map((c) => c.State).join(', ')})`);
  }
  for (const c of own) if (!byId.has(c.Labels['tradefleet.bot'] ?? '')) problems.push(`orphan container ${c.Names[0]} of a bot that does not exist`);
  const volumes = (await docker.listVolumes()).Volumes ?? [];
  const poolKeys = new Set(poolContainers.map((c) => c.Labels['tradefleet.pool-container']));
  for (const v of volumes) {
    const key = new RegExp(`^tf-pool-(${plane.poolId}-c\\d+)-state$`).exec(v.Name)?.[1];
    if (key && !poolKeys.has(key)) problems.push(`orphan volume ${v.Name} without its pool container`);
    if (v.Labels?.['tradefleet.user'] === user.userId && byId.get(v.Labels['tradefleet.bot'] ?? '')?.engine !== 'freqtrade') {
      problems.push(`orphan volume ${v.Name} of a bot that does not exist`);
    }
  }
  return { problems, silentRunning };
}

export interface FleetCheck {
  problems: string[];
  /** Bots the API shows running whose own API did not answer. */
  silentRunning: string[];
}

export interface Convergence {
  /** From the call until nothing was wrong. */
  ms: number;
  /** The longest a bot was seen shown `running` without its API answering, without a break. */
  longestSilentRunningMs: number;
}

/** Polls until the fleet has converged, or throws with what was still wrong. */
export async function waitConverged(plane: ControlPlane, user: ApiUser, docker: Docker, expected: readonly string[], timeoutMs: number): Promise<Convergence> {
  const t0 = performance.now();
  let last: string[] = ['not checked yet'];
  const silentSince = new Map<string, number>();
  let longestSilentRunningMs = 0;
  while (performance.now() - t0 < timeoutMs) {
    const check = await fleetProblems(plane, user, docker, expected).catch((error: unknown) => ({ problems: [`check failed: ${(error as Error).message}`], silentRunning: null }));
    last = check.problems;
    const now = performance.now();
    if (check.silentRunning) {
      for (const id of silentSince.keys()) if (!check.silentRunning.includes(id)) silentSince.delete(id);
      for (const id of check.silentRunning) if (!silentSince.has(id)) silentSince.set(id, now);
      for (const since of silentSince.values()) longestSilentRunningMs = Math.max(longestSilentRunningMs, now - since);
    }
    if (last.length === 0) return { ms: now - t0, longestSilentRunningMs };
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the fleet did not converge within ${timeoutMs / 1000} s:\n  ${last.join('\n  ')}`);
}

/** Removes every Docker thing of the control plane's pool and users (its bots' containers and volumes). */
export async function removeDockerThings(docker: Docker, plane: ControlPlane, userIds: readonly string[]): Promise<void> {
  const containers = [
    ...(await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${plane.poolId}`] } })),
    ...(await docker.listContainers({ all: true, filters: { label: ['tradefleet.managed=true'] } })).filter((c) =>
      (c.Labels['tradefleet.pool-state-of'] ?? '').startsWith(`${plane.poolId}-c`) || userIds.includes(c.Labels['tradefleet.user'] ?? '')),
  ];
  for (const c of containers) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  for (const v of (await docker.listVolumes()).Volumes ?? []) {
    if (v.Name.startsWith(`tf-pool-${plane.poolId}-c`) || userIds.includes(v.Labels?.['tradefleet.user'] ?? '')) {
      await docker.getVolume(v.Name).remove().catch(() => undefined);
    }
  }
  await removePoolOf(docker, freqtradePoolId(plane.poolId));
}

/** A test platform's own pool: its containers (with their anonymous volumes) and their named state volumes. */
export async function removePoolOf(docker: Docker, poolId: string | undefined): Promise<void> {
  if (!poolId) return;
  for (const c of await docker.listContainers({ all: true, filters: { label: [`tradefleet.pool=${poolId}`] } })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  // Builtin pools' state volumes go by name; FreqTrade pools' (tf-ftpool-<key>) carry the pool's label.
  for (const v of (await docker.listVolumes()).Volumes ?? []) {
    const own = v.Name.startsWith(`tf-pool-${poolId}-c`) || v.Labels?.['tradefleet.pool'] === poolId;
    if (own) await docker.getVolume(v.Name).remove().catch(() => undefined);
  }
}
