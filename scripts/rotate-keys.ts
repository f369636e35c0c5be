// `npm run rotate-keys`: re-seals every sealed secret with TF_SECRET_KEY (the ring's newest key), bound to its row, while the platform runs.
import { readConfig, secretKeyRing } from '../domain/config.js';
import { createDb } from '../db/pool.js';
import { resealAll } from '../db/sealed-columns.js';
import { createSecretBox } from '../db/secret-box.js';
import { databaseUrlFromEnvOrFile, secretKeysFromEnvOrFile } from './services/embedded-secrets.js';

const config = readConfig({ ...process.env, ...secretKeysFromEnvOrFile(process.env), DATABASE_URL: databaseUrlFromEnvOrFile(process.env) });
const box = createSecretBox(secretKeyRing(config));
const db = await createDb(config.DATABASE_URL, { maximumPoolSize: 2 });
try {
  console.log(`re-sealing with key ${box.keyId}`);
  const reports = await resealAll(db, box, (line) => console.log(line));
  const total = reports.reduce((n, r) => n + r.resealed, 0);
  const unreadable = reports.reduce((n, r) => n + r.unreadable.length, 0);
  if (unreadable > 0) {
    console.error(`${total} value(s) re-sealed, but ${unreadable} open with no key of the ring: keep the old keys listed until those rows are fixed or deleted`);
    process.exitCode = 1;
  } else {
    console.log(`done: ${total} value(s) re-sealed; every sealed value is now bound to its row and sealed with key ${box.keyId}`);
  }
} catch (error) {
  console.error(`rotation stopped: ${(error as Error).message}`);
  console.error('values re-sealed so far stay re-sealed; fix the cause and run it again (it skips what is done)');
  process.exitCode = 1;
} finally {
  await db.end();
}
