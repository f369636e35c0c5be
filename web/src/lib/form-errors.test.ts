// How a failed form action's errors land on a form's fields: every field the API listed, paths kept for documents.
import { describe, expect, it } from 'vitest';
import { documentMessages, formErrors, messageOf, pathErrors } from './form-errors.ts';

const failure = (error: { field?: string; message: string; fields?: Array<{ field: string; message: string }> }) => ({
  error: { code: 'invalid_input', ...error },
  values: {},
});

describe('form errors', () => {
  it('puts every listed field on its own input, pair indexes kept, and the rest on the form', () => {
    const errors = formErrors(
      failure({
        field: 'name',
        message: 'is required',
        fields: [
          { field: 'name', message: 'is required' },
          { field: 'pairs.1', message: 'FOO/USDT is not listed on paper' },
          { field: 'stakeAmount', message: 'must be greater than 0' },
          { field: 'freqtradeVersion', message: 'applies only to bots with engine freqtrade' },
        ],
      }),
      ['name', 'pairs', 'stakeAmount'],
    );
    expect(messageOf(errors, 'name')).toBe('is required');
    expect(messageOf(errors, 'stakeAmount')).toBe('must be greater than 0');
    expect(errors.problems.find((p) => p.field === 'pairs')).toMatchObject({ index: 1, path: 'pairs.1' });
    expect(errors.formMessage).toBe('freqtradeVersion: applies only to bots with engine freqtrade');
  });

  it('reads a single-field answer as before', () => {
    const errors = formErrors(failure({ field: 'email', message: 'is taken' }), ['email', 'password']);
    expect(errors).toMatchObject({ field: 'email', message: 'is taken', formMessage: null });
  });

  it('leads a document field\'s messages with the path inside it', () => {
    const errors = formErrors(
      failure({ fields: [{ field: 'content.exit.op', message: "must be one of '>', '<'" }, { field: 'content.stoploss', message: 'must be negative' }], message: 'x' }),
      ['content'],
    );
    expect(documentMessages(errors, 'content')).toBe("exit.op: must be one of '>', '<'; stoploss: must be negative");
  });

  it('maps path errors to the named input or the first under the path', () => {
    const errors = pathErrors(
      failure({ message: 'x', fields: [{ field: 'trail', message: 'give a trail' }, { field: 'takeProfit.targets.1.price', message: 'must rise' }] }),
      ['trail.trailPct', 'trail.stoplossPct', 'takeProfit.targets.1.price'],
    );
    expect(errors.messages).toEqual({ 'trail.trailPct': 'give a trail', 'takeProfit.targets.1.price': 'must rise' });
    expect(errors.field).toBe('trail.trailPct');
  });
});
