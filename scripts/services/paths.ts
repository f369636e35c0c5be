// Where the platform keeps local state (.data) and downloaded tools (.tools), relative to the repository root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** TF_DATA_DIR moves everything `npm start` keeps (PostgreSQL, Temporal, keys, the exchange's state) elsewhere: a second
 * platform on one machine, or a test's throwaway one (test/control-plane.ts). */
export const dataDir = process.env.TF_DATA_DIR ? path.resolve(repoRoot, process.env.TF_DATA_DIR) : path.join(repoRoot, '.data');
export const toolsDir = path.join(repoRoot, '.tools');

export const sinceSeconds = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
