// The paper exchange as a managed process for `npm start`: a demo account (keys generated once into .data/), state kept
// across restarts in a snapshot file, admin API token kept beside it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnManaged, type ManagedProcess } from './processes.js';
import { httpAnswers, waitFor } from './ports.js';
import { dataDir, repoRoot } from './paths.js';

export interface PaperExchangeIdentity {
  adminToken: string;
  demo: { apiKey: string; secret: string };
}

/** Generated on the first start and reused, so the demo account a user added keeps working. */
export function paperExchangeIdentity(): PaperExchangeIdentity {
  const file = path.join(dataDir, 'paper-exchange.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as PaperExchangeIdentity;
  const identity = {
    adminToken: randomBytes(24).toString('base64url'),
    demo: { apiKey: randomBytes(24).toString('hex'), secret: randomBytes(32).toString('hex') },
  };
  fs.writeFileSync(file, JSON.stringify(identity, null, 2), { mode: 0o600 });
  return identity;
}

export async function startPaperExchangeProcess(port: number, env: NodeJS.ProcessEnv): Promise<{ url: string; process: ManagedProcess; identity: PaperExchangeIdentity }> {
  const identity = paperExchangeIdentity();
  const child = spawnManaged('exchange', process.execPath, ['--import', 'tsx', 'exchange/main.ts'], {
    cwd: repoRoot,
    env: {
      ...env,
      PAPER_EXCHANGE_PORT: String(port),
      PAPER_EXCHANGE_ADMIN_TOKEN: identity.adminToken,
      PAPER_EXCHANGE_SNAPSHOT: path.join(dataDir, 'paper-exchange-state.json'),
      PAPER_EXCHANGE_ACCOUNTS: JSON.stringify([
        { id: 'demo', label: 'demo', ...identity.demo, balances: { USDT: '10000', BTC: '0.1', ETH: '1' } },
      ]),
      LOG_LEVEL: 'warn',
    },
    stopTimeoutMs: 5_000,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`paper exchange ${url}`, () => httpAnswers(`${url}/api/v3/ping`), { timeoutMs: 30_000, alive: () => child.running });
  return { url, process: child, identity };
}
