// `npm run make-operator -- <email>`: makes a signed-up user an operator (for example to decode payloads in the Temporal UI).
import { createDb } from '../db/pool.js';
import { makeOperator } from '../db/users.js';
import { databaseUrlFromEnvOrFile } from './services/embedded-secrets.js';

const email = process.argv[2]?.trim();
if (!email || process.argv.length > 3) {
  console.error('usage: npm run make-operator -- <email>   (the user must have signed up already)');
  process.exit(2);
}
// Only the database is needed, so only DATABASE_URL is read (without it, the embedded PostgreSQL of `npm start`).
const databaseUrl = databaseUrlFromEnvOrFile(process.env);
const db = await createDb(databaseUrl, { maximumPoolSize: 1 });
try {
  const user = await makeOperator(db, email);
  if (!user) {
    console.error(`no user with email ${email}: sign up first, then run this again`);
    process.exitCode = 1;
  } else {
    console.log(`${user.email} is now an operator`);
  }
} catch (error) {
  console.error(`could not reach the database at ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}: ${(error as Error).message}`);
  console.error('is the platform running (npm start), or DATABASE_URL set?');
  process.exitCode = 1;
} finally {
  await db.end();
}
