// FerretDB (MongoDB wire protocol on SQLite) as a managed child: the legacy MongoDB the migration reads in tests and benchmarks.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { toolsDir } from './paths.js';
import { freePort, waitFor } from './ports.js';
import { spawnManaged, type ManagedProcess } from './processes.js';

export interface FerretDbHandle {
  /** `mongodb://127.0.0.1:<port>/`: append a database name. */
  url: string;
  port: number;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** FERRETDB_BIN, else the copy scripts/ferretdb.sh builds into .tools. */
export function resolveFerretDb(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env.FERRETDB_BIN || path.join(toolsDir, 'ferretdb');
  if (!fs.existsSync(bin)) throw new Error(`FerretDB is missing (${bin}): run \`bash scripts/setup.sh --test\` (it builds it into .tools/) or set FERRETDB_BIN`);
  return bin;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** Starts FerretDB on a free port with its SQLite files in `dataDir` (one file per database). */
export async function startFerretDb(options: { dataDir: string; logFile: string; port?: number; bin?: string }): Promise<FerretDbHandle> {
  const bin = options.bin ?? resolveFerretDb();
  const port = options.port ?? (await freePort());
  fs.mkdirSync(options.dataDir, { recursive: true });
  const child = spawnManaged('ferretdb', bin, [
    '--handler=sqlite',
    `--sqlite-url=file:${options.dataDir.replace(/\/?$/, '/')}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=127.0.0.1:0',
    '--telemetry=disable',
    // Its state file (an instance id) goes beside the data, not into the working directory.
    `--state-dir=${options.dataDir}`,
    '--log-level=warn',
  ], { output: { file: options.logFile }, stopTimeoutMs: 5_000 });
  await waitFor(`FerretDB on port ${port} (log: ${options.logFile})`, () => answers(port), { timeoutMs: 20_000, alive: () => child.running });
  return { url: `mongodb://127.0.0.1:${port}/`, port, process: child, stop: async () => void (await child.stop()) };
}
