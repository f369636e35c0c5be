// Without MONGO_URL the migration activities fail at once, non-retryably, saying what to set; the rest of the worker is unaffected.
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from '../db/secret-box.js';
import type { Db } from '../db/pool.js';
import { createMigrationActivities } from './migration.js';

describe('migration activities without MONGO_URL', () => {
  it('fail with a clear, non-retryable message', async () => {
    const unusedDb = {} as Db; // never reached: the source is checked first
    const activities = createMigrationActivities({ db: unusedDb, box: createSecretBox(Buffer.alloc(32).toString('base64')), mongoUrl: '' });
    const env = new MockActivityEnvironment();
    const error = await env.run(activities.planMigration, { runId: 'r', collections: ['users' as const] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).nonRetryable).toBe(true);
    expect((error as ApplicationFailure).type).toBe('MongoUrlMissing');
    expect((error as Error).message).toContain('MONGO_URL is not set');
  });
});
