// The pool scaler's operator commands: settings, scale to N, drain a container, move a bot. Each is an Update whose
// validator rejects a bad command (naming the field) before it enters the history; the work is the scaler's own.
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { fieldError } from '../domain/field-error.js';
import { checkPoolSettings, chooseContainer, findBot, removable, type PoolContainer, type PoolSettings, type PoolState } from '../domain/pool.js';
import { configurePool, drainContainer, relocateBot, scalePool } from './pool-messages.js';

export interface PoolOperations {
  state: PoolState;
  /** Resolves once the scaler has loaded its saved state. */
  ready(): Promise<unknown>;
  save(): Promise<void>;
  wake(): void;
  /** Scales to `n` containers now (draining the emptiest when there are more). */
  scaleTo(n: number): Promise<void>;
  drain(c: PoolContainer): Promise<void>;
  /** Moves a bot already reserved in `to`. */
  move(botId: string, from: PoolContainer, to: PoolContainer): Promise<void>;
  typicalBotMb: number;
}

/** A pool command the scaler cannot carry out (final: retrying cannot help). */
export const reject = (message: string): never => {
  throw ApplicationFailure.nonRetryable(message, 'PoolRejected');
};

export function setOperatorCommands(ops: PoolOperations): void {
  const { state } = ops;
  const byKey = (key: string) => state.containers.find((c) => c.key === key);

  setHandler(
    configurePool,
    async (change) => {
      await ops.ready();
      state.settings = (checkPoolSettings(state.settings, change) as { settings: PoolSettings }).settings;
      await ops.save();
      ops.wake();
      return state.settings;
    },
    { validator: (change) => settingsOrThrow(state.settings, change) },
  );

  setHandler(
    scalePool,
    async (n) => {
      await ops.ready();
      state.settings = { ...state.settings, minContainers: Math.min(n, state.settings.maxContainers) };
      await ops.save();
      await ops.scaleTo(n);
      return state.containers.filter((c) => c.status === 'ready' || c.status === 'starting').length;
    },
    {
      validator: (n) => {
        if (!Number.isInteger(n) || n < 0 || n > state.settings.maxContainers) throw fieldError('containers', `must be a whole number from 0 to maxContainers (${state.settings.maxContainers})`);
        const bots = state.containers.reduce((a, c) => a + Object.keys(c.bots).length, 0);
        if (n === 0 && bots > 0) throw fieldError('containers', `${bots} bots need at least one container`);
      },
    },
  );

  setHandler(
    drainContainer,
    async (key) => {
      await ops.ready();
      await ops.drain(byKey(key)!);
      ops.wake();
    },
    {
      validator: (key) => {
        const c = byKey(key);
        if (!c || c.status === 'dead') throw fieldError('key', `no container ${key} in pool ${state.poolId}`);
        if (c.status === 'draining') throw fieldError('key', `container ${key} is already draining`);
        const live = state.containers.filter((x) => x.status === 'ready' || x.status === 'starting').length;
        if (live >= state.settings.maxContainers && !removable({ ...state, settings: { ...state.settings, headroom: 0, minContainers: 0 } }, c, ops.typicalBotMb)) {
          throw fieldError('key', `the other containers have no room for the ${Object.keys(c.bots).length} bots of ${key}, and the pool has maxContainers`);
        }
      },
    },
  );

  setHandler(
    relocateBot,
    async (botId, key) => {
      await ops.ready();
      const from = findBot(state, botId);
      const to = byKey(key);
      if (!from || !to) return reject(`bot ${botId} or container ${key} left the pool meanwhile`);
      if (from !== to) {
        to.bots[botId] = from.bots[botId]!;
        await ops.move(botId, from, to);
      }
      return { poolId: state.poolId, containerKey: to.key, host: to.host };
    },
    {
      validator: (botId, key) => {
        const from = findBot(state, botId);
        if (!from) throw fieldError('botId', `bot ${botId} is not in pool ${state.poolId}`);
        const to = byKey(key);
        if (!to || (to.status !== 'ready' && to.status !== 'starting')) throw fieldError('containerKey', `no container ${key} that takes bots`);
        if (from !== to && !chooseContainer({ ...state, containers: [to] }, from.bots[botId]!)) throw fieldError('containerKey', `${key} has no room for the bot`);
      },
    },
  );
}

function settingsOrThrow(current: PoolSettings, change: unknown): void {
  const checked = checkPoolSettings(current, change);
  if (!checked.ok) throw fieldError(checked.field, checked.message);
}
