// Bots table: every read is scoped to its owner (`where user_id = $user`), so another user's bot is simply not found.
import { z } from 'zod';
import { UniqueIntegrityConstraintViolationError } from 'slonik';
import { Bot, BOT_PORT_MAX, BOT_PORT_MIN, type BotPlacement, type BotSpec, type BotStatus, type RuntimeDriver } from '../domain/bot.js';
import { mirrorWrite, type DualWriteSink } from './legacy-mirror.js';
import { sql, type Db } from './pool.js';

/** Where a pooled bot answers: the address its container's host registered (null: the platform's BOT_API_HOST). */
export const botApiHostColumn = sql.fragment`(select h.api_address from pool_containers c join docker_hosts h on h.name = c.host
  where c.key = bots.pool_container_key) as api_host`;

const botColumns = sql.fragment`id::text, user_id, name, exchange, pairs, stake_amount, stake_currency, dry_run, engine,
  freqtrade_version, status, driver, placement, pool_container_key, runtime_id, ${botApiHostColumn}, api_port, last_error, unreachable_since, pool_restarts, pool_last_exit, strategy_version_id::text, exchange_account_id::text, created_at, updated_at`;

const BotWithSecret = Bot.extend({ apiCredentials: z.string() });
export type BotWithSecret = z.infer<typeof BotWithSecret>;

export async function listBotsForUser(db: Db, userId: string): Promise<readonly Bot[]> {
  return db.any(sql.type(Bot)`select ${botColumns} from bots where user_id = ${userId} order by created_at desc, id`);
}

export async function findBotForUser(db: Db, userId: string, botId: string): Promise<Bot | null> {
  if (!z.string().uuid().safeParse(botId).success) return null;
  return db.maybeOne(sql.type(Bot)`select ${botColumns} from bots where id = ${botId} and user_id = ${userId}`);
}

/** For activities only: includes the sealed API credentials. */
export async function findBotWithSecret(db: Db, botId: string): Promise<BotWithSecret | null> {
  return db.maybeOne(sql.type(BotWithSecret)`select ${botColumns}, api_credentials from bots where id = ${botId}`);
}

/** The bots of `ids` that exist, with their sealed credentials, in the order of `ids` (one query for a whole bot list). */
export async function findBotsWithSecret(db: Db, ids: readonly string[]): Promise<BotWithSecret[]> {
  if (ids.length === 0) return [];
  const rows = await db.any(sql.type(BotWithSecret)`select ${botColumns}, api_credentials from bots where id = any(${sql.array(ids, 'uuid')})`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function findBot(db: Db, botId: string): Promise<Bot | null> {
  return db.maybeOne(sql.type(Bot)`select ${botColumns} from bots where id = ${botId}`);
}

/** Lowest port of the bot range that no bot holds and that is not in `skip`. */
export async function nextFreeBotPort(db: Db, skip: readonly number[]): Promise<number | null> {
  return db.maybeOneFirst(sql.type(z.object({ p: z.number() }))`
    select p from generate_series(${BOT_PORT_MIN}::int, ${BOT_PORT_MAX}::int) p
    where not exists (select 1 from bots where api_port = p)
      and not (p = any(${sql.array(skip as number[], 'int4')}))
    order by p limit 1`);
}

export interface NewBot {
  id: string;
  userId: string;
  spec: BotSpec;
  /** The exchange the bot trades on: the account's exchange for a bot with an account, else the spec's. */
  exchange?: string;
  strategyVersionId?: string | null;
  /** Set exactly for `freqtrade` bots. */
  freqtradeVersion?: string | null;
  driver: RuntimeDriver;
  apiPort: number;
  sealedCredentials: string;
  /** Default `dedicated`. */
  placement?: BotPlacement;
  /** The creating platform's task queue: its fleet reconciler watches the bot (none for rows tests insert by hand). */
  taskQueue?: string | null;
}

export class PortTakenError extends Error {}

/** A user's bot limits (MAX_BOTS_PER_USER, MAX_FREQTRADE_BOTS_PER_USER). */
export interface BotLimits {
  maxBots: number;
  maxFreqtradeBots: number;
}

/** A new bot would pass one of its owner's limits; the message names the limit and its setting. */
export class BotQuotaError extends Error {}

/**
 * Inserts the bot as `provisioning`; inserting the same id again returns the existing row unchanged. With `limits`, the
 * owner's bots are counted in the same transaction, under a lock per owner, so creates racing each other cannot pass a
 * limit together (the API's early count is only the fast answer).
 */
export async function insertBot(db: Db, dualWrite: DualWriteSink | null, bot: NewBot, limits?: BotLimits): Promise<Bot> {
  const { spec } = bot;
  try {
    const inserted = await db.transaction(async (tx) => {
      await tx.query(sql.type(z.object({}).loose())`select pg_advisory_xact_lock(hashtextextended(${`bots-of:${bot.userId}`}, 0))`);
      // The transaction answers the same query methods the table modules use.
      if (limits && !(await findBot(tx as unknown as Db, bot.id))) await checkBotLimits(tx as unknown as Db, bot.userId, spec.engine, limits);
      return tx.maybeOne(sql.type(Bot)`
      insert into bots (id, user_id, name, exchange, pairs, stake_amount, stake_currency, dry_run, engine,
                        status, driver, api_port, api_credentials, strategy_version_id, exchange_account_id, freqtrade_version, placement, task_queue)
      values (${bot.id}, ${bot.userId}, ${spec.name}, ${bot.exchange ?? spec.exchange}, ${sql.array(spec.pairs, 'text')},
              ${spec.stakeAmount}, ${spec.stakeCurrency}, ${spec.dryRun}, ${spec.engine},
              'provisioning', ${bot.driver}, ${bot.apiPort}, ${bot.sealedCredentials},
              ${bot.strategyVersionId ?? null}, ${spec.exchangeAccountId ?? null}, ${bot.freqtradeVersion ?? null}, ${bot.placement ?? 'dedicated'}, ${bot.taskQueue ?? null})
      on conflict (id) do nothing
      returning ${botColumns}`);
    });
    if (inserted) {
      await mirrorWrite(db, dualWrite, { entity: 'bots', id: inserted.id });
      return inserted;
    }
  } catch (error) {
    if (error instanceof UniqueIntegrityConstraintViolationError) throw new PortTakenError(`port ${bot.apiPort} was taken concurrently`);
    throw error;
  }
  const existing = await findBot(db, bot.id);
  if (!existing) throw new Error(`bot ${bot.id} vanished while being created`);
  return existing;
}

async function checkBotLimits(tx: Db, userId: string, engine: string, limits: BotLimits): Promise<void> {
  const counts = await tx.one(sql.type(z.object({ all: z.number(), freqtrade: z.number() }))`
    select count(*)::int as all, (count(*) filter (where engine = 'freqtrade'))::int as freqtrade from bots where user_id = ${userId}`);
  if (counts.all >= limits.maxBots) {
    throw new BotQuotaError(`bots: you have reached the limit of ${limits.maxBots} (MAX_BOTS_PER_USER); delete one first`);
  }
  if (engine === 'freqtrade' && counts.freqtrade >= limits.maxFreqtradeBots) {
    throw new BotQuotaError(`FreqTrade bots: you have reached the limit of ${limits.maxFreqtradeBots} (MAX_FREQTRADE_BOTS_PER_USER); delete one first`);
  }
}

export class NotPlacedError extends Error {}

/**
 * Writes a status transition in one statement with what it implies for a pooled bot's place: `running` only while the
 * bot is attached to a pool container (else NotPlacedError, and nothing changes), `stopped` and `failed` detach it.
 * The observation of its API restarts with every transition (unreachable_since is cleared).
 */
export async function setBotStatus(
  db: Db,
  dualWrite: DualWriteSink | null,
  botId: string,
  status: BotStatus,
  extra: { lastError?: string | null; runtimeId?: string | null } = {},
): Promise<Bot | null> {
  const lastError = extra.lastError === undefined ? sql.fragment`last_error` : sql.fragment`${extra.lastError}`;
  const runtimeId = extra.runtimeId === undefined ? sql.fragment`runtime_id` : sql.fragment`${extra.runtimeId}`;
  const attached = status === 'stopped' || status === 'failed' ? sql.fragment`false` : sql.fragment`pool_attached`;
  const placed = status === 'running' ? sql.fragment`(placement <> 'pool' or (pool_attached and pool_container_key is not null))` : sql.fragment`true`;
  const bot = await db.maybeOne(sql.type(Bot)`
    update bots set status = ${status}, last_error = ${lastError}, runtime_id = ${runtimeId}, pool_attached = ${attached},
      unreachable_since = null, updated_at = now()
    where id = ${botId} and ${placed}
    returning ${botColumns}`);
  if (bot) await mirrorWrite(db, dualWrite, { entity: 'bots', id: bot.id });
  else if (status === 'running' && (await findBot(db, botId))) {
    throw new NotPlacedError(`bot ${botId} has no place in its pool (its container is gone or it was released); it cannot be running`);
  }
  return bot;
}

/** Records what the fleet reconciler saw of a bot's API: the first time it did not answer (only while it is `running`:
 * a status written meanwhile starts the observation again), or null once it answers. */
export async function setBotReachable(db: Db, botId: string, answers: boolean): Promise<string | null> {
  const since = answers ? sql.fragment`null` : sql.fragment`coalesce(unreachable_since, now())`;
  return db.maybeOneFirst(sql.type(z.object({ since: z.string().nullable() }))`
    update bots set unreachable_since = ${since} where id = ${botId} and (status = 'running' or ${answers})
    returning unreachable_since as since`);
}

/** Pins the bot to other versions (a move, or its rollback) and, when a move changes it (a pooled FreqTrade bot leaving for another release), its placement. */
export async function setBotVersions(
  db: Db, botId: string, versions: { strategyVersionId: string; freqtradeVersion: string | null }, placement?: BotPlacement,
): Promise<void> {
  await db.query(sql.typeAlias('void')`
    update bots set strategy_version_id = ${versions.strategyVersionId}, freqtrade_version = ${versions.freqtradeVersion},
      placement = coalesce(${placement ?? null}, placement), updated_at = now()
    where id = ${botId}`);
}

/** A bot's new pairs (its whitelist); the row's NOTIFY tells the owner's pages. Mirrored while dual-write is on. */
export async function setBotPairs(db: Db, dualWrite: DualWriteSink | null, botId: string, pairs: readonly string[]): Promise<void> {
  await db.query(sql.typeAlias('void')`update bots set pairs = ${sql.array([...pairs], 'text')}, updated_at = now() where id = ${botId}`);
  await mirrorWrite(db, dualWrite, { entity: 'bots', id: botId });
}

export async function deleteBotRecord(db: Db, botId: string): Promise<void> {
  await db.query(sql.typeAlias('void')`delete from bots where id = ${botId}`);
}

/** Names of the bots that trade on an exchange account (it cannot be deleted while any does). */
export async function botsUsingExchangeAccount(db: Db, accountId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ name: z.string() }))`select name from bots where exchange_account_id = ${accountId} order by name`);
}
