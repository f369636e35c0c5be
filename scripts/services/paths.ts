// Where the platform keeps local state (.data) and downloaded tools (.tools), relative to the repository root.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** TF_DATA_DIR moves everything `npm start` keeps (PostgreSQL, Temporal, keys, the exchange's state) elsewhere: a second
 * platform on one machine, or a test's throwaway one (test/control-plane.ts). */
export const dataDir = process.env.TF_DATA_DIR ? path.resolve(repoRoot, process.env.TF_DATA_DIR) : path.join(repoRoot, '.data');
export const toolsDir = path.join(repoRoot, '.tools');

export const sinceSeconds = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)}s`;

/**
 * The bot-host image this checkout built (scripts/images.sh pins its content-hash tag in `.data/bot-host-image`), as
 * `BOT_IMAGE` unless the environment names one: two checkouts on one Docker engine then each run their own bot code,
 * whichever built last (the shared `:latest` tag follows the last build).
 */
export function pinnedBotImageEnv(env: NodeJS.ProcessEnv = process.env): { BOT_IMAGE?: string } {
  if (env.BOT_IMAGE) return {};
  try {
    const tag = fs.readFileSync(path.join(repoRoot, '.data', 'bot-host-image'), 'utf8').trim();
    return /^[\w./:-]+$/.test(tag) ? { BOT_IMAGE: tag } : {};
  } catch {
    return {};
  }
}
