// The interface every bot runtime (Docker container, local process) implements; the workflow never knows which one runs.
import type { BotHostConfig } from '../domain/bot-host-config.js';
import type { RuntimeDriver } from '../domain/bot.js';

export interface RuntimeSpec {
  botId: string;
  userId: string;
  host: BotHostConfig;
}

export interface RuntimeState {
  exists: boolean;
  running: boolean;
  /** Exit code and finish time when the runtime stopped on its own. */
  exitCode?: number | null;
  runtimeId?: string;
}

export interface BotRuntimeDriver {
  readonly kind: RuntimeDriver;
  /** Creates the runtime once; a repeated call finds the existing one (by label / pid file) and returns its id. */
  ensureCreated(spec: RuntimeSpec): Promise<string>;
  /** Starts it; starting a running runtime is a no-op. */
  start(botId: string, spec: RuntimeSpec): Promise<void>;
  /** Stops it; stopping a stopped or missing runtime is a no-op. */
  stop(botId: string): Promise<void>;
  /** Removes it and everything it owns; removing a missing runtime is a no-op. */
  remove(botId: string): Promise<void>;
  inspect(botId: string): Promise<RuntimeState>;
}
