// What the embedded defaults keep in .data for scripts run beside `npm start`: the key ring file and the application role's URL.
import fs from 'node:fs';
import path from 'node:path';
import { PlatformConfig } from '../../domain/config.js';
import { dataDir } from './paths.js';

export const secretKeyFile = path.join(dataDir, 'secret.key');

/**
 * The key ring of `.data/secret.key`: one base64 key per line, the first seals (TF_SECRET_KEY), the others only open
 * (TF_SECRET_KEY_RING). Environment variables win over the file.
 */
export function secretKeysFromEnvOrFile(env: NodeJS.ProcessEnv): { TF_SECRET_KEY: string; TF_SECRET_KEY_RING: string } {
  if (env.TF_SECRET_KEY) return { TF_SECRET_KEY: env.TF_SECRET_KEY, TF_SECRET_KEY_RING: env.TF_SECRET_KEY_RING ?? '' };
  if (!fs.existsSync(secretKeyFile)) throw new Error(`${secretKeyFile} is missing: run \`bash scripts/setup.sh\` (npm start does) or set TF_SECRET_KEY`);
  const [first, ...rest] = fs.readFileSync(secretKeyFile, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  if (!first) throw new Error(`${secretKeyFile} is empty: delete it and run \`bash scripts/setup.sh\`, or set TF_SECRET_KEY`);
  return { TF_SECRET_KEY: first, TF_SECRET_KEY_RING: [...rest, env.TF_SECRET_KEY_RING ?? ''].filter(Boolean).join(',') };
}

/** DATABASE_URL, else the embedded PostgreSQL of `npm start` as the application role with the password setup keeps. */
export function databaseUrlFromEnvOrFile(env: NodeJS.ProcessEnv): string {
  if (env.DATABASE_URL) return PlatformConfig.shape.DATABASE_URL.parse(env.DATABASE_URL);
  const url = new URL(PlatformConfig.shape.DATABASE_URL.parse(undefined));
  if (env.TF_PG_PORT) url.port = env.TF_PG_PORT; // npm start's embedded PostgreSQL on a port of its own
  const file = path.join(dataDir, 'postgres-app.password');
  if (fs.existsSync(file)) url.password = encodeURIComponent(fs.readFileSync(file, 'utf8').trim());
  return url.toString();
}
