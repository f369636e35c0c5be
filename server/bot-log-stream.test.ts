// The log stream's bookkeeping: each line sent once however the polls overlap, and a bot's secrets masked.
import { describe, expect, it } from 'vitest';
import { maskSecrets, takeNewLines, type LogCursor } from './bot-log-stream.js';

const line = (time: number, message: string) => ({ time, level: 'INFO', logger: 'bot', message });

describe('takeNewLines', () => {
  it('sends the first read whole, then only the lines after it, including new lines of the same millisecond', () => {
    const cursor: LogCursor = { lastTime: -Infinity, atLast: new Set() };
    expect(takeNewLines([line(1, 'a'), line(2, 'b')], cursor)).toEqual([line(1, 'a'), line(2, 'b')]);
    expect(takeNewLines([line(1, 'a'), line(2, 'b')], cursor)).toEqual([]);
    expect(takeNewLines([line(2, 'b'), line(2, 'c'), line(3, 'd')], cursor)).toEqual([line(2, 'c'), line(3, 'd')]);
    expect(takeNewLines([line(3, 'd')], cursor)).toEqual([]);
  });
});

describe('maskSecrets', () => {
  it('masks every secret wherever it appears and leaves short strings alone', () => {
    const [masked] = maskSecrets([{ ...line(1, 'key=s3cr3t-key, again s3cr3t-key'), logger: 'x s3cr3t-key' }], ['s3cr3t-key']);
    expect(masked).toEqual({ time: 1, level: 'INFO', logger: 'x ***', message: 'key=***, again ***' });
    expect(maskSecrets([line(1, 'plain')], [])).toEqual([line(1, 'plain')]);
  });
});
