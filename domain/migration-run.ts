// MigrationRun: the phases of a MongoDB → PostgreSQL run, the messages operators send it, and its progress figures.
import { z } from 'zod';
import { LEGACY_COLLECTIONS, type LegacyCollection } from './legacy-model.js';

export const MIGRATION_PHASES = ['planning', 'backfilling', 'verifying', 'awaiting_cutover', 'cutting_over', 'archiving', 'done', 'aborted', 'failed'] as const;
export const MigrationPhase = z.enum(MIGRATION_PHASES);
export type MigrationPhase = z.infer<typeof MigrationPhase>;

export const MigrationStatus = z.enum(['running', 'paused', 'aborted', 'completed', 'failed']);
export type MigrationStatus = z.infer<typeof MigrationStatus>;

/** What an operator may ask for when starting a run (all optional: every collection, default batch sizes). */
export const StartMigrationInput = z
  .object({
    collections: z
      .array(z.enum(LEGACY_COLLECTIONS))
      .min(1, 'needs at least one collection')
      .refine((c) => new Set(c).size === c.length, 'must not repeat a collection')
      .optional(),
    batchSize: z.number().int().min(100, 'must be at least 100').max(20_000, 'must be at most 20000').optional(),
    /** Approve the cutover ahead of time (scripts, benchmarks): the run does not stop to wait for an operator. */
    autoApprove: z.boolean().optional(),
  })
  .strict();
export type StartMigrationInput = z.infer<typeof StartMigrationInput>;

export const ApproveCutoverInput = z
  .object({
    /** The operator confirms the figures they saw: the run's id, so an approval never lands on another run. */
    runId: z.string().min(1, 'is required'),
    approvedBy: z.string().min(1, 'is required').max(254),
    /** Quarantined documents are known and accepted; without it a run with quarantined documents is not approved. */
    acceptQuarantined: z.boolean().default(false),
  })
  .strict();
export type ApproveCutoverInput = z.input<typeof ApproveCutoverInput>;

/** Workflow input; a continued run carries where it was. */
export interface MigrationWorkflowInput {
  runId: string;
  collections: LegacyCollection[];
  batchSize: number;
  autoApprove: boolean;
  startedBy: string;
  resume?: { phase: MigrationPhase; done: LegacyCollection[]; verified: VerifyOutcome[]; approvedBy?: string };
}

export interface CollectionOutcome {
  collection: LegacyCollection;
  copied: number;
  quarantined: number;
  aborted: boolean;
}

export interface VerifyOutcome {
  collection: LegacyCollection;
  sourceCount: number;
  targetRows: number;
  quarantined: number;
  ranges: number;
  recopiedRanges: number;
  ok: boolean;
  detail: string;
}

/** What the workflow's `progress` query answers: its own view (the live counts are in PostgreSQL). */
export interface MigrationWorkflowState {
  runId: string;
  phase: MigrationPhase;
  paused: boolean;
  aborting: boolean;
  current: LegacyCollection | null;
  backfilled: CollectionOutcome[];
  verified: VerifyOutcome[];
  approvedBy: string | null;
  error: string | null;
}

/** One collection's live progress as stored per committed batch. */
export interface CollectionProgress {
  collection: LegacyCollection;
  target: string;
  state: string;
  sourceCount: number | null;
  copied: number;
  quarantined: number;
  recopiedRanges: number;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

export interface CollectionFigures {
  done: number;
  fraction: number | null;
  /** Documents per second over the copy so far. */
  rate: number | null;
  /** Seconds left at that rate. */
  etaSeconds: number | null;
}

/** Fraction, rate and ETA of a collection from its stored progress. */
export function collectionFigures(p: CollectionProgress, now: string): CollectionFigures {
  const done = p.copied + p.quarantined;
  const fraction = p.sourceCount ? Math.min(1, done / p.sourceCount) : p.sourceCount === 0 ? 1 : null;
  if (!p.startedAt) return { done, fraction, rate: null, etaSeconds: null };
  const end = p.finishedAt ?? (p.state === 'copying' ? now : p.updatedAt);
  const seconds = (Date.parse(end) - Date.parse(p.startedAt)) / 1000;
  const rate = seconds > 0 ? done / seconds : null;
  const left = p.sourceCount === null ? null : Math.max(0, p.sourceCount - done);
  const etaSeconds = left === null ? null : left === 0 ? 0 : rate ? left / rate : null;
  return { done, fraction, rate, etaSeconds };
}

/** A run as the API shows it (`migration_runs`). */
export interface MigrationRun {
  id: string;
  workflowId: string;
  phase: MigrationPhase;
  status: MigrationStatus;
  dualWrite: boolean;
  mappingVersion: number;
  startedBy: string | null;
  error: string | null;
  archivedAs: Record<string, string> | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface QuarantinedDocument {
  collection: string;
  legacyId: string;
  reason: string;
  document: unknown;
  at: string;
}

/** `GET /api/migrations/:id`: the run, each collection's progress with its figures, the quarantine and the workflow's view. */
export interface MigrationRunView {
  run: MigrationRun;
  collections: Array<CollectionProgress & CollectionFigures>;
  quarantine: { total: number; rows: QuarantinedDocument[] };
  workflow: MigrationWorkflowState | null;
}
