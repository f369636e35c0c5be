// Moves of a bot between strategy versions and FreqTrade releases: what is asked (the `moveBot` update) and answered.
import { z } from 'zod';
import type { BotStatus } from './bot.js';
import { FreqtradeVersion } from './freqtrade-config.js';

/** A move of a running bot to another strategy version and/or FreqTrade version (the `moveBot` update). */
export const MoveBotInput = z
  .object({
    strategyVersionId: z.string().uuid('must be a strategy version id').optional(),
    freqtradeVersion: FreqtradeVersion.optional(),
    /** How long the moved bot may take to become healthy before it is rolled back. */
    healthTimeoutSeconds: z.number().int().min(10).max(600).default(110),
  })
  .strict()
  .refine((v) => v.strategyVersionId !== undefined || v.freqtradeVersion !== undefined, {
    message: 'name a strategyVersionId or a freqtradeVersion to move to',
    path: ['strategyVersionId'],
  });
export type MoveBotInput = z.input<typeof MoveBotInput>;

/** What a bot runs: the pinned strategy version and, for FreqTrade bots, the FreqTrade release. */
export interface BotVersions {
  strategyVersionId: string | null;
  freqtradeVersion: string | null;
}

/** The answer to a move: where the bot ended up. */
export interface MoveBotResult {
  status: BotStatus;
  /** False when the new versions did not become healthy and the bot was rolled back. */
  moved: boolean;
  versions: BotVersions;
  error: string | null;
}
