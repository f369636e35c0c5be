// Where the pool scaler puts bots: new containers, reservations decided and taken in one step, and live moves that carry
// a bot's saved state from one container to the next. Closures over the scaler's state (workflows/pool.ts owns it).
import { log } from '@temporalio/workflow';
import { chooseContainer, chooseHost, containerKey, type PoolContainer, type PoolState } from '../domain/pool.js';
import { messageOf } from './failure-message.js';
import { reject } from './pool-commands.js';
import { onHost } from './pool-proxies.js';

export interface PlacementDeps {
  state: PoolState;
  save(): Promise<void>;
  writeBots(key: string): Promise<void>;
  /** Containers whose bots are moving out: not removed before the last move has copied its state out. */
  evacuating: Set<string>;
}

export function createPlacement({ state, save, writeBots, evacuating }: PlacementDeps) {
  /** Adds a container record at once (so decisions taken meanwhile see it), then starts it. */
  function newContainer(host: string): PoolContainer {
    state.seq += 1;
    const c: PoolContainer = { key: containerKey(state.poolId, state.seq), host, status: 'starting', bots: {}, liveMb: null, removableCycles: 0 };
    state.containers.push(c);
    return c;
  }

  /** Starts a new container; one that cannot start leaves the pool, and bots reserved in it are placed elsewhere. */
  async function startContainer(c: PoolContainer): Promise<boolean> {
    await save();
    try {
      await onHost(c.host).ensurePoolContainer(state.poolId, c.key, state.settings.containerMemoryMb);
      c.status = 'ready';
      await save();
      return true;
    } catch (error) {
      log.error('pool container did not start', { key: c.key, host: c.host, error: messageOf(error) });
      state.containers = state.containers.filter((x) => x !== c);
      await onHost(c.host, true).removePoolContainer(state.poolId, c.key, false).catch(() => undefined);
      for (const [botId, size] of Object.entries(c.bots)) {
        const other = await reserve(botId, size, [c.key]).catch(() => null);
        if (other) void writeBots(other.key).catch(() => undefined);
      }
      await save();
      return false;
    }
  }

  const addContainer = async (host: string): Promise<void> => void (await startContainer(newContainer(host)));

  /**
   * Reserves a place for a bot of `sizeMb` in the same step as the decision (the best fit, else a new container up to
   * maxContainers), so placements racing each other never overfill a container; resolves once that container is up.
   */
  async function reserve(botId: string, sizeMb: number, exclude: string[] = []): Promise<PoolContainer> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const fit = chooseContainer(state, sizeMb, exclude);
      if (fit) {
        fit.bots[botId] = sizeMb;
        return fit;
      }
      const live = state.containers.filter((c) => c.status === 'ready' || c.status === 'starting').length;
      if (live >= state.settings.maxContainers) reject(`the pool is full: ${live} containers (maxContainers) and no room for a bot of ${sizeMb} MB`);
      const c = newContainer(chooseHost(state));
      c.bots[botId] = sizeMb;
      if (await startContainer(c)) return c;
      const elsewhere = state.containers.find((x) => botId in x.bots && !exclude.includes(x.key));
      if (elsewhere) return elsewhere;
    }
    return reject('could not start a pool container for the bot');
  }

  const markMoving = (botId: string) => void (state.moving = [...new Set([...(state.moving ?? []), botId])]);
  const doneMoving = (botId: string) => void (state.moving = (state.moving ?? []).filter((id) => id !== botId));

  /**
   * Moves a bot to the container reserved for it: the old host drops it, its saved state follows, the new host runs it.
   * While it moves no bot list names it (see PoolState.moving): a list written meanwhile (a reconcile, a container
   * starting) must not start it afresh in the new container, nor take its port before the old one let go.
   */
  async function move(botId: string, from: PoolContainer, to: PoolContainer): Promise<void> {
    markMoving(botId);
    try {
      delete from.bots[botId];
      await save();
      if (from.status !== 'dead') {
        await writeBots(from.key);
        await onHost(from.host).waitBotReleased(botId);
      }
      // A live container's state is waited for however slow its host is (a busy machine must not cost a bot its open
      // trades); only a dead container's host may be gone for good, so that export gives up quickly.
      const saved = await onHost(from.host, from.status === 'dead').exportBotState(state.poolId, from.key, botId).catch((error: unknown) => {
        log.warn('bot state not exported; the bot starts afresh', { botId, error: messageOf(error) });
        return null;
      });
      if (saved !== null) await onHost(to.host).importBotState(state.poolId, to.key, botId, saved);
    } finally {
      doneMoving(botId);
    }
    await save();
    await writeBots(to.key);
  }

  /** Finds a new container for a bot and moves it there; it counts as moving from the start (see move). */
  async function moveOut(botId: string, sizeMb: number, from: PoolContainer): Promise<void> {
    markMoving(botId);
    let to: PoolContainer;
    try {
      to = await reserve(botId, sizeMb, [from.key]);
    } catch (error) {
      doneMoving(botId);
      throw error;
    }
    await move(botId, from, to);
  }

  /** Moves every bot out of `c` to other containers (adding containers as needed). */
  async function evacuate(c: PoolContainer): Promise<void> {
    evacuating.add(c.key);
    try {
      for (const [botId, size] of Object.entries(c.bots)) await moveOut(botId, size, c);
    } finally {
      evacuating.delete(c.key);
    }
  }

  return { addContainer, reserve, move, moveOut, evacuate };
}
