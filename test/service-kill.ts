// The control-plane services of a kill test: its own PostgreSQL (fsync on) and Temporal dev server on their own data,
// a paper exchange and a platform on them, and the two faults issue 14 names: PostgreSQL alone, then the Temporal dev
// server alone, SIGKILLed (the whole process group) and started again on the same data.
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../db/migrate.js';
import { startPaperExchange, type PaperExchangeHandle } from '../exchange/server.js';
import { dataDir } from '../scripts/services/paths.js';
import { freePort } from '../scripts/services/ports.js';
import { startPostgres, type PostgresHandle } from '../scripts/services/postgres.js';
import { startTemporal, type TemporalHandle } from '../scripts/services/temporal.js';
import { startPlatform, type TestPlatform } from './platform.js';

/** SIGKILL of the service's whole process group (PostgreSQL's backends too), resolved once it is gone. */
export async function sigkill(handle: { process: { pid: number; exited: Promise<unknown> } }): Promise<void> {
  process.kill(-handle.process.pid, 'SIGKILL');
  await handle.process.exited;
}

/** What runs while the killed service is down (the test changes the world there), then it starts again. */
export type KillAndRestart = (whileDown?: () => void | Promise<void>) => Promise<void>;

export class KillableServices {
  readonly dir: string;
  postgres!: PostgresHandle;
  temporal!: TemporalHandle;
  exchange!: PaperExchangeHandle;
  platform!: TestPlatform;
  private pgPort = 0;
  private temporalPort = 0;

  /** The data directory is made at once (a test file builds its `it.each` cases before `beforeAll`). */
  constructor(prefix: string) {
    this.dir = fs.mkdtempSync(path.join(dataDir, prefix));
    fs.chmodSync(this.dir, 0o755); // the postgres system user must be able to enter it
  }

  private startDatabase() {
    return startPostgres({ dataDir: path.join(this.dir, 'postgres'), port: this.pgPort, logFile: path.join(this.dir, 'postgres.log') });
  }

  private startTemporalServer() {
    return startTemporal({ port: this.temporalPort, dbFile: path.join(this.dir, 'temporal.db'), logFile: path.join(this.dir, 'temporal.log') });
  }

  /** PostgreSQL (migrated) and Temporal only, for a test that starts its own platform on them. */
  async startStores(): Promise<void> {
    [this.pgPort, this.temporalPort] = await Promise.all([freePort(), freePort()]);
    [this.postgres, this.temporal] = await Promise.all([this.startDatabase(), this.startTemporalServer()]);
    await migrate(this.postgres.ownerUrl, () => {}, { grantTo: this.postgres.appRole });
  }

  /** PostgreSQL (migrated), Temporal, a paper exchange without ticks and a platform on them. */
  async start(seed: string, env: Record<string, string> = {}): Promise<void> {
    await this.startStores();
    this.exchange = await startPaperExchange({ port: 0, seed, tickMs: 0 });
    this.platform = await startPlatform({
      env: { DATABASE_URL: this.postgres.url, TEMPORAL_ADDRESS: this.temporal.address, PAPER_EXCHANGE_URL: this.exchange.url, BOT_DRIVER: 'process', ...env },
    });
  }

  async stop(): Promise<void> {
    await this.platform?.stop();
    await this.exchange?.close();
    await this.temporal?.stop();
    await this.postgres?.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The faults, named for `it.each`: each kills one service, waits 2 s (and runs `whileDown`), then starts it again. */
  readonly cases: Array<[string, KillAndRestart]> = [
    ['PostgreSQL', async (whileDown) => {
      await sigkill(this.postgres);
      await Promise.all([new Promise((r) => setTimeout(r, 2000)), whileDown?.()]);
      this.postgres = await this.startDatabase();
    }],
    ['the Temporal dev server', async (whileDown) => {
      await sigkill(this.temporal);
      await Promise.all([new Promise((r) => setTimeout(r, 2000)), whileDown?.()]);
      this.temporal = await this.startTemporalServer();
    }],
  ];
}
