// The fleet reconciler's look at reality: every bot of this platform that claims to run is asked, over its own channel,
// whether its API answers; the answer is recorded (unreachable_since) and returned as sightings for domain/fleet-reconcile.ts.
import { Context, log } from '@temporalio/activity';
import type { BotChannelSettings } from '../domain/bot-channel.js';
import type { BotSighting } from '../domain/fleet-reconcile.js';
import { setBotReachable } from '../db/bots.js';
import { botsToWatch, poolHostsOf, type BotToWatch } from '../db/fleet-reconcile.js';
import type { Db } from '../db/pool.js';
import { botCredentialsPlace, type SecretBox } from '../db/secret-box.js';
import { botClient, type FreqtradeCredentials } from './freqtrade-client.js';

export interface FleetReconcileDeps {
  db: Db;
  box: SecretBox;
  botChannel: BotChannelSettings;
  /** The platform whose bots this reconciler watches. */
  taskQueue: string;
  /** Bots asked at the same time. */
  concurrency?: number;
  /** A ping slower than this counts as no answer (the bot has the grace period of later passes to answer again). */
  pingTimeoutMs?: number;
}

export interface FleetObservation {
  /** The bots that did not answer: only they can need a repair, and a thousand answering bots stay out of the history. */
  sightings: BotSighting[];
  /** How many bots were asked. */
  watched?: number;
  /** The Docker hosts of this platform's pool: the reconciler sweeps leftovers on each. */
  hosts: string[];
}

export function createFleetReconcileActivities(deps: FleetReconcileDeps) {
  const { db, box } = deps;
  const concurrency = deps.concurrency ?? 16;

  async function answers(bot: BotToWatch): Promise<boolean> {
    try {
      const credentials = JSON.parse(box.open(bot.apiCredentials, botCredentialsPlace(bot.id))) as FreqtradeCredentials;
      const client = botClient(bot, deps.botChannel, credentials, deps.pingTimeoutMs ?? 2000);
      // /ping is public: whatever listens on a reused port answers it. Only the bot itself accepts its credentials.
      return (await client.ping()) && typeof (await client.showConfig()).state === 'string';
    } catch {
      return false;
    }
  }

  return {
    /** Pings every bot that claims to run (a bounded number at once) and records since when each has not answered. */
    async observeFleet(): Promise<FleetObservation> {
      const bots = await botsToWatch(db, deps.taskQueue);
      const sightings: BotSighting[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < bots.length) {
          const bot = bots[next++]!;
          const answered = await answers(bot);
          // Only a running bot is watched for "unreachable since": a starting one has its own health wait.
          // Only a change is written (the first silence, or an answer after one): a quiet fleet costs no writes.
          const changed = bot.status === 'running' && answered === (bot.unreachableSince !== null);
          const since = changed ? await setBotReachable(db, bot.id, answered) : bot.unreachableSince;
          if (!answered) sightings.push({ botId: bot.id, status: bot.status, updatedAt: bot.updatedAt, unreachableSince: since, answers: answered });
          Context.current().heartbeat(next);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, bots.length) }, worker));
      if (sightings.length > 0) log.info('fleet reconcile: bots not answering', { bots: bots.length, silent: sightings.length });
      return { sightings, watched: bots.length, hosts: await poolHostsOf(db, deps.taskQueue) };
    },
  };
}

export type FleetReconcileActivities = ReturnType<typeof createFleetReconcileActivities>;
