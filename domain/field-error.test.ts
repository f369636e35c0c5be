// Field errors: raised with their field, found again inside the failures that wrap them, and still whole after the
// platform's failure converter and payload codec have encrypted and decrypted them (as an API caller receives them).
import { ActivityFailure, ApplicationFailure, defaultPayloadConverter, RetryState } from '@temporalio/common';
import { decodeFailure, encodeFailure } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import { describe, expect, it } from 'vitest';
import { failureConverter } from '../temporal/failure-converter.js';
import { createPayloadCodec } from '../temporal/payload-codec.js';
import { fieldError, fieldErrorOf, INVALID_FIELD, rethrowFieldError } from './field-error.js';

describe('field errors', () => {
  it('lead their message with the field and fail for good', () => {
    const failure = fieldError('pairs.1', 'NOPE/USDT is not listed on paper');
    expect(failure).toMatchObject({ type: INVALID_FIELD, message: 'pairs.1: NOPE/USDT is not listed on paper', nonRetryable: true });
    expect(fieldError('', 'expected an object').message).toBe('expected an object');
  });

  it('are found inside the failures that wrap them, and nothing else is taken for one', () => {
    const wrapped = new ActivityFailure('activity failed', 'persistBot', '1', RetryState.NON_RETRYABLE_FAILURE, undefined, fieldError('stakeAmount', 'is below the minimum'));
    expect(fieldErrorOf(wrapped)).toEqual({ field: 'stakeAmount', message: 'is below the minimum' });
    expect(fieldErrorOf(new Error('stakeAmount: looks like a field, but is not typed'))).toBeNull();
    expect(fieldErrorOf(ApplicationFailure.nonRetryable('key: no container', 'PoolRejected'))).toBeNull();
    expect(fieldErrorOf('key: a string')).toBeNull();
  });

  it('are raised again without the wrapper, so an update fails with the field; anything else is left to the caller', () => {
    const wrapped = new ActivityFailure('activity failed', 'planBotMove', '1', RetryState.NON_RETRYABLE_FAILURE, undefined, fieldError('strategyVersionId', 'no such strategy'));
    expect(() => rethrowFieldError(wrapped)).toThrow(expect.objectContaining({ type: INVALID_FIELD, message: 'strategyVersionId: no such strategy', cause: undefined }));
    expect(() => rethrowFieldError(new Error('docker is down'))).not.toThrow();
  });

  it('keep their field and message through the encrypting failure converter', async () => {
    const codec = createPayloadCodec(Buffer.alloc(32, 7).toString('base64'));
    const sent = failureConverter.errorToFailure(fieldError('trail.trailPct', 'must be above 0 %'), defaultPayloadConverter);
    const stored = await encodeFailure([codec], sent);
    expect(JSON.stringify(stored)).not.toContain('trailPct');
    const received = failureConverter.failureToError(await decodeFailure([codec], stored), defaultPayloadConverter);
    expect(received.message).toBe('trail.trailPct: must be above 0 %');
    expect(fieldErrorOf(received)).toEqual({ field: 'trail.trailPct', message: 'must be above 0 %' });
  });
});
