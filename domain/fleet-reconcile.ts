// The fleet reconciler's decisions: what a bot's row says against what was seen of it, and the repair each mismatch needs.

/** A bot is repaired once its API has not answered for this long, so it never shows `running` for 30 s while dead. */
export const UNREACHABLE_GRACE_MS = 10_000;
/** A bot whose row says `starting` for this long with no start under way lost its place in a crash: start it again. */
export const STUCK_STARTING_MS = 120_000;

export interface BotSighting {
  botId: string;
  status: string;
  /** When the row last changed (ISO). */
  updatedAt: string;
  /** When the API was first found not answering (ISO), kept across passes; null while it answers. */
  unreachableSince: string | null;
  /** Whether the API answered in this pass. */
  answers: boolean;
}

export type Repair = { botId: string; kind: 'restart'; reason: string };

/** The repairs one pass sends to the bots' own workflows (which alone change their status). */
export function planRepairs(sightings: readonly BotSighting[], now: number): Repair[] {
  const repairs: Repair[] = [];
  for (const s of sightings) {
    if (s.status === 'running' && !s.answers && s.unreachableSince !== null && now - Date.parse(s.unreachableSince) >= UNREACHABLE_GRACE_MS) {
      repairs.push({ botId: s.botId, kind: 'restart', reason: `unreachable since ${s.unreachableSince}` });
    } else if (s.status === 'starting' && !s.answers && now - Date.parse(s.updatedAt) >= STUCK_STARTING_MS) {
      repairs.push({ botId: s.botId, kind: 'restart', reason: `starting since ${s.updatedAt} with no start under way` });
    }
  }
  return repairs;
}
