// Entry point: runs the paper exchange as its own process, configured from the environment (see config.ts); Ctrl-C stops it cleanly.
import { pino } from 'pino';
import { optionsFromEnv, readExchangeEnv } from './config.js';
import { startPaperExchange } from './server.js';

const env = readExchangeEnv(process.env);
const log = pino({ level: env.LOG_LEVEL, base: { service: 'paper-exchange' } });
const exchange = await startPaperExchange({ ...optionsFromEnv(env), logger: log });
log.info(
  { url: exchange.url, apiUrl: exchange.apiUrl, markets: exchange.engine.markets.size, admin: exchange.adminToken !== undefined, snapshot: env.PAPER_EXCHANGE_SNAPSHOT ?? null },
  'paper exchange listening',
);
if (exchange.adminToken === undefined) log.warn('admin API off: set PAPER_EXCHANGE_ADMIN_TOKEN to script prices, accounts and faults');

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'paper exchange stopping');
  await exchange.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
