// The Temporal CLI dev server as a managed child: find the binary, start it with the platform's flags, wait for gRPC.
// With a codec endpoint, its Web UI listens on an internal port behind a proxy on the public one that makes the UI
// call the codec with credentials (temporal-ui-proxy.ts).
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { DEFAULT_NAMESPACE, devServerArgs, type DevServerOptions } from '../../temporal/dev-server.js';
import { toolsDir } from './paths.js';
import { spawnManaged, type ManagedProcess } from './processes.js';
import { freePort, waitFor } from './ports.js';
import { startTemporalUiProxy, type TemporalUiProxy } from './temporal-ui-proxy.js';

export interface TemporalHandle {
  address: string;
  namespace: string;
  uiUrl?: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** Same order as scripts/setup.sh: TEMPORAL_CLI, then `temporal` on PATH, then the copy setup put in .tools. */
export function resolveTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_CLI) {
    if (!isExecutable(env.TEMPORAL_CLI)) throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file`);
    return env.TEMPORAL_CLI;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'temporal'))) return path.join(dir, 'temporal');
  }
  const local = path.join(toolsDir, 'temporal');
  if (isExecutable(local)) return local;
  throw new Error('the Temporal CLI is missing: run `bash scripts/setup.sh` (it downloads it into .tools/) or set TEMPORAL_CLI');
}

/** True once the frontend answers and the namespace exists (search attributes are registered before that). */
export async function temporalReady(address: string, namespace = DEFAULT_NAMESPACE): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}

export interface StartTemporalOptions extends Omit<DevServerOptions, 'ip'> {
  cli?: string;
  logFile?: string;
  timeoutMs?: number;
}

export async function startTemporal(options: StartTemporalOptions): Promise<TemporalHandle> {
  const cli = options.cli ?? resolveTemporalCli();
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const address = `127.0.0.1:${options.port}`;
  if (options.dbFile) fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  // The UI server's own port when the proxy takes the public one.
  let uiServerPort = options.uiPort;
  while (options.uiPort && options.codecEndpoint && (uiServerPort === options.uiPort || uiServerPort === options.port)) uiServerPort = await freePort();
  const child = spawnManaged('temporal', cli, devServerArgs({ ...options, uiPort: uiServerPort, ip: '127.0.0.1', namespace }), {
    output: options.logFile ? { file: options.logFile } : 'ignore',
    // An in-memory server has nothing to save: killing it saves a second per test run.
    stopSignal: options.dbFile ? 'SIGTERM' : 'SIGKILL',
    stopTimeoutMs: 10_000,
  });
  let proxy: TemporalUiProxy | undefined;
  try {
    if (options.uiPort && uiServerPort !== options.uiPort) {
      proxy = await startTemporalUiProxy({ host: '127.0.0.1', port: options.uiPort, target: `http://127.0.0.1:${uiServerPort}` });
    }
    await waitFor(`Temporal dev server on ${address}${options.logFile ? ` (log: ${options.logFile})` : ''}`, () => temporalReady(address, namespace), {
      timeoutMs: options.timeoutMs ?? 60_000,
      alive: () => child.running,
      intervalMs: 250,
    });
  } catch (error) {
    await proxy?.close();
    await child.stop();
    throw error;
  }
  return {
    address,
    namespace,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    process: child,
    stop: async () => {
      await proxy?.close();
      await child.stop();
    },
  };
}
