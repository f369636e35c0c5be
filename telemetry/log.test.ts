import { describe, expect, it } from 'vitest';
import { createLog, entryLog, temporalLogger } from './log.js';

function collect(level: Parameters<typeof createLog>[1]) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLog('test', level, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { logger, lines };
}

describe('platform logs', () => {
  it('are JSON lines with service, level name and ISO time, and honour the level', () => {
    const { logger, lines } = collect('info');
    logger.debug('hidden');
    logger.info({ botId: 'b1' }, 'shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: 'test', level: 'info', msg: 'shown', botId: 'b1' });
    expect(new Date(String(lines[0]!['time'])).toISOString()).toBe(lines[0]!['time']);
  });

  it('redact secret-named fields at the top and one level down', () => {
    const { logger, lines } = collect('debug');
    entryLog(logger)({ level: 'warn', msg: 'oops', password: 'hunter2hunter2', request: { authorization: 'Bearer tf_x', cookie: 'auth_session=abc' }, userId: 'u1' });
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/hunter2|tf_x|abc/);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'oops', userId: 'u1', password: '[redacted]' });
  });

  it('write Temporal SDK lines with workflowId and the bot it belongs to', () => {
    const { logger, lines } = collect('debug');
    temporalLogger(logger, 'debug').info('Activity completed', { workflowId: 'bot:abc', activityType: 'startRuntime', sdkComponent: 'activity' });
    temporalLogger(logger, 'warn').info('not at warn', { workflowId: 'bot:abc' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'Activity completed', workflowId: 'bot:abc', botId: 'abc', activityType: 'startRuntime' });
  });
});
