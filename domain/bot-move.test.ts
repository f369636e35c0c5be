import { describe, expect, it } from 'vitest';
import { MoveBotInput } from './bot-move.js';

describe('a bot move', () => {
  it('needs a move to name a strategy version or a FreqTrade version', () => {
    expect(MoveBotInput.safeParse({}).success).toBe(false);
    expect(MoveBotInput.safeParse({ freqtradeVersion: 'latest' }).success).toBe(false);
    expect(MoveBotInput.parse({ freqtradeVersion: '2026.10' })).toMatchObject({ healthTimeoutSeconds: 110 });
  });
});
