// Pool scaler (`pool:<poolId>`): one long-running workflow per pool of bot-host containers. It owns placement: bots are
// packed into containers by best fit (domain/pool.ts), containers are added before the pool is full (headroom), drained
// and removed with hysteresis, replaced when Docker no longer runs them (their bots are placed again with their saved
// state), and every cycle the state is reconciled against what each Docker host really runs (by label).
// All decisions are this deterministic code; every Docker call is an idempotent activity on the host's own task queue
// (`docker@<host>`), so placement picks the host and Temporal delivers the work to the worker next to that engine.
// A container's list of bots is written by one coalescing loop per container: fifty bots placed at once cost a few writes.
// Bots ask for places by signal and are answered by signal (workflows/pool-placement-queue.ts); the scaler's PostgreSQL
// activities run on a task queue of their own, so no amount of bot work can starve it.
import { allHandlersFinished, condition, continueAsNew, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { fieldError } from '../domain/field-error.js';
import {
  CONTAINER_BASE_MB,
  botSizeMb,
  countRemovable,
  decideScaling,
  findBot,
  planReconcile,
  removable,
  type PoolContainer,
  type PoolState,
} from '../domain/pool.js';
import { messageOf } from './failure-message.js';
import { reject, setOperatorCommands } from './pool-commands.js';
import { placeBot, poolState, releaseBot, type PoolWorkflowInput } from './pool-messages.js';
import { createPlacement } from './pool-placement.js';
import { createPlacementQueue } from './pool-placement-queue.js';
import { onHost, poolDb } from './pool-proxies.js';
import { coalescingWriter } from './pool-writes.js';

export * from './pool-messages.js';

/** Time between reconciles against Docker. */
export const CYCLE_MS = 10_000;
/**
 * Runs recorded before this change judged every ready container missing from a reconcile's look as gone, also one whose
 * start finished while the look was under way; `patched` keeps them replaying.
 */
export const RECONCILE_JUDGES_UP_BEFORE_LOOK = 'reconcile-judges-containers-up-before-the-look';

export async function poolWorkflow(input: PoolWorkflowInput): Promise<void> {
  // Handlers are set before the first await: an update-with-start's update arrives with the workflow's first task.
  const state: PoolState = input.carried ?? { poolId: input.poolId, settings: input.settings, containers: [], seq: 0 };
  let loaded = input.carried !== undefined;
  const db = poolDb(input.activityQueue);
  const byKey = (key: string) => state.containers.find((c) => c.key === key);
  // Headroom counts slots for a typical bot of ten pairs.
  const typical = () => botSizeMb(10);
  let lastReconcile = 0;
  let wake = false;
  let targetContainers: number | null = null;
  /** Containers whose bots are moving out: not removed before the last move has copied its state out. */
  const evacuating = new Set<string>();

  const writeBots = coalescingWriter(
    async (key) => {
      const c = byKey(key);
      if (c && c.status !== 'dead') await onHost(c.host).writeContainerBots(state.poolId, key);
    },
    (key) => byKey(key)?.status !== 'starting',
  );

  // Saves run one at a time, each with the state as it is when it starts: two saves in flight could commit out of order
  // and leave an older placement in PostgreSQL (a bot's health check then found its container gone).
  const saveState = coalescingWriter(() => db.savePool(state), () => true);
  const save = (): Promise<void> => saveState('state');

  const { addContainer, reserve, move, moveOut, evacuate } = createPlacement({ state, save, writeBots, evacuating });

  async function removeContainer(c: PoolContainer): Promise<void> {
    await onHost(c.host).removePoolContainer(state.poolId, c.key, false);
    state.containers = state.containers.filter((x) => x !== c);
    await save();
  }

  async function drain(c: PoolContainer): Promise<void> {
    c.status = 'draining';
    await save();
    await evacuate(c);
  }

  async function reconcile(): Promise<void> {
    // A drain's or a placement's new container may be created after Docker was listed: only those up before are judged.
    const upBeforeLook = new Set(state.containers.filter((c) => c.status !== 'starting').map((c) => c.key));
    const observed = [];
    const answered: string[] = [];
    for (const host of state.settings.hosts) {
      try {
        observed.push(...(await onHost(host, true).observePoolContainers(state.poolId, host)));
        answered.push(host);
      } catch (error) {
        log.warn('Docker host did not answer the reconcile', { host, error: messageOf(error) });
      }
    }
    const plan = planReconcile(state, observed, answered, patched(RECONCILE_JUDGES_UP_BEFORE_LOOK) ? upBeforeLook : undefined);
    for (const o of observed) {
      const c = byKey(o.key);
      if (c) c.liveMb = o.memoryMb;
    }
    for (const o of plan.adopt) {
      log.info('adopting a running pool container', { key: o.key, host: o.host });
      state.containers.push({ key: o.key, host: o.host, status: 'ready', bots: {}, liveMb: o.memoryMb, removableCycles: 0 });
      void writeBots(o.key);
    }
    for (const o of plan.orphans) await onHost(o.host).removePoolContainer(state.poolId, o.key, false);
    for (const key of plan.dead) {
      const c = byKey(key)!;
      log.warn('pool container is gone; placing its bots again', { key, bots: Object.keys(c.bots).length });
      c.status = 'dead';
      await save();
      // Gone for good before its bots start elsewhere (a dockerd coming back must not restart it with the same bots);
      // its state volume stays until the bots' state has been copied out of it.
      await onHost(c.host).removePoolContainer(state.poolId, key, true);
      await evacuate(c);
      await onHost(c.host, true).removePoolContainer(state.poolId, key, false).catch(() => undefined);
      state.containers = state.containers.filter((x) => x !== c);
    }
    if (plan.dead.length + plan.adopt.length + plan.orphans.length > 0) await save();
    // Each cycle rewrites every bot list from PostgreSQL: a write that failed earlier converges here (an unchanged
    // list is a no-op for the bot host).
    for (const c of state.containers) {
      if (c.status === 'ready') void writeBots(c.key).catch((error: unknown) => log.warn('bot list not written', { key: c.key, error: messageOf(error) }));
    }
    countRemovable(state, typical());
    await db.savePoolStats(state.poolId, observed);
  }

  async function scale(): Promise<void> {
    for (let step = 0; step < 10; step++) {
      const live = state.containers.filter((c) => c.status === 'ready' || c.status === 'starting');
      if (targetContainers !== null && live.length > targetContainers) {
        const victim = [...live].sort((a, b) => Object.keys(a.bots).length - Object.keys(b.bots).length)[0]!;
        if (!removable({ ...state, settings: { ...state.settings, headroom: 0, minContainers: 0 } }, victim, typical())) break;
        await drain(victim);
        continue;
      }
      targetContainers = null;
      const decision = decideScaling(state, typical());
      if (decision.kind === 'none') break;
      if (decision.kind === 'add') await addContainer(decision.host);
      else if (decision.kind === 'drain') await drain(byKey(decision.key)!);
      else if (evacuating.has(decision.key)) break; // its last bot is still moving out: its state file is still needed
      else await removeContainer(byKey(decision.key)!);
    }
  }

  setHandler(poolState, () => state);

  const placements = createPlacementQueue({
    state, pending: input.pending ?? [], ready: () => condition(() => loaded), save, writeBots, reserve, moveOut, db,
    wake: () => {
      wake = true;
    },
  });
  placements.start();

  setHandler(placeBot, async (request) => {
    await condition(() => loaded);
    const found = findBot(state, request.botId);
    if (found && (found.status === 'dead' || found.status === 'draining')) await moveOut(request.botId, request.sizeMb, found);
    else if (!found) {
      await reserve(request.botId, request.sizeMb);
      await save();
    }
    // Where the bot is now (a container that failed to start has had its bots placed elsewhere).
    const c = findBot(state, request.botId);
    if (!c) return reject(`bot ${request.botId} was released while it was being placed`);
    const wasAttached = await db.setBotAttached(request.botId, request.run);
    if (wasAttached === request.run) return { poolId: state.poolId, containerKey: c.key, host: c.host };
    // A start returns once placed (the bot's health check waits for it to answer): updates stay in flight briefly, which
    // keeps a burst of provisioning under Temporal's limit of in-flight updates per workflow. A stop waits for the write.
    const written = writeBots(c.key);
    if (request.run) void written.catch((error: unknown) => log.warn('bot list not written; the next reconcile writes it', { key: c.key, error: messageOf(error) }));
    else await written;
    wake = true;
    return { poolId: state.poolId, containerKey: c.key, host: c.host };
  }, {
    validator: (request) => {
      if (typeof request?.botId !== 'string' || typeof request.run !== 'boolean') throw fieldError('placement', 'needs botId and run');
      if (!(request.sizeMb > 0) || request.sizeMb > state.settings.containerMemoryMb - CONTAINER_BASE_MB) {
        throw fieldError('sizeMb', `a bot of ${request.sizeMb} MB does not fit a container of ${state.settings.containerMemoryMb} MB`);
      }
    },
  });

  setHandler(releaseBot, (botId, apiPort) => {
    const c = findBot(state, botId);
    if (!c) return;
    delete c.bots[botId];
    void save()
      .then(() => writeBots(c.key))
      // Its host saves the bot's state as it stops it: the file is deleted once the bot let go of its port (a port
      // taken again meanwhile by a new bot only delays this by the quick call's 15 s).
      .then(() => (apiPort === undefined ? undefined : onHost(c.host, true).waitBotReleased(botId, apiPort).catch(() => undefined)))
      .then(() => onHost(c.host).deleteBotState(state.poolId, c.key, botId))
      .catch((error: unknown) => log.warn('releasing a bot did not finish; the next reconcile writes the container again', { botId, error: messageOf(error) }));
    wake = true;
  });

  setOperatorCommands({
    state,
    ready: () => condition(() => loaded),
    save,
    wake: () => {
      wake = true;
    },
    scaleTo: async (n) => {
      targetContainers = n;
      await scale();
    },
    drain,
    move,
    typicalBotMb: typical(),
  });

  if (!loaded) {
    // A scaler started without carried state (first start, or after a terminated run) takes the last saved one.
    const saved = await db.loadPool(input.poolId);
    if (saved) Object.assign(state, saved);
    loaded = true;
  }
  await save();
  for (;;) {
    await condition(() => wake, CYCLE_MS);
    wake = false;
    try {
      if (Date.now() - lastReconcile >= CYCLE_MS) {
        lastReconcile = Date.now();
        await reconcile();
      }
      await scale();
    } catch (error) {
      log.error('pool cycle failed; trying again next cycle', { error: messageOf(error) });
    }
    if (workflowInfo().continueAsNewSuggested) {
      placements.close();
      await condition(() => allHandlersFinished() && placements.idle());
      await continueAsNew<typeof poolWorkflow>({
        poolId: state.poolId, settings: state.settings, carried: state,
        ...(input.activityQueue ? { activityQueue: input.activityQueue } : {}),
        ...(placements.pending().length ? { pending: placements.pending() } : {}),
      });
    }
  }
}
