// A bot row for a test that needs one in the shared database. The bots table keeps each API port unique across every
// bot of every test file running beside it, so a port another file's row already holds (free on this machine, since
// no process listens on it) is retried with another port instead of failing the test.
import { freePort } from '../bot/test-support.js';
import * as bots from '../db/bots.js';
import type { Db } from '../db/pool.js';
import type { Bot } from '../domain/bot.js';

const TRIES = 20;

export async function insertBotOnFreePort(db: Db, input: Omit<bots.NewBot, 'apiPort'>): Promise<Bot> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bots.insertBot(db, null, { ...input, apiPort: await freePort() });
    } catch (error) {
      if (!(error instanceof bots.PortTakenError) || attempt >= TRIES) throw error;
    }
  }
}
