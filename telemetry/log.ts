// pino JSON logging for the platform's processes (server, worker): one line per event, LOG_LEVEL honoured, secrets
// redacted by field name as a second line of defence (the first is never putting them in a log call).
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { DefaultLogger, type LogEntry, type LogLevel as SdkLevel } from '@temporalio/worker';

export type { Logger } from 'pino';
export type LogLevelName = Level | 'silent';

/** Field names whose values never reach a log line, at the top level and one level down. */
const SECRET_FIELDS = [
  'password', 'newPassword', 'currentPassword', 'secret', 'apiSecret', 'apiKey', 'token', 'accessToken', 'refreshToken',
  'cookie', 'authorization', 'sessionId', 'credentials', 'privateKey', 'passphrase', 'jwtSecret', 'webhookSecret', 'telegramToken',
];
export const REDACT_PATHS = [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`)];

export function createLog(service: string, level: LogLevelName = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names ("warn"), not numbers: Loki and people filter on them.
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** The `(entry) => void` shape the API app and its helpers log through: `{ level, msg, ...fields }`. */
export function entryLog(logger: Logger): (entry: Record<string, unknown>) => void {
  return ({ level, msg, ...fields }) => {
    const lvl = typeof level === 'string' && level in logger.levels.values ? (level as Level) : 'info';
    logger[lvl](fields, typeof msg === 'string' ? msg : '');
  };
}

const SDK_TO_PINO: Record<SdkLevel, Level> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The Temporal SDK's level for a LOG_LEVEL: the SDK has no fatal/silent. */
export function sdkLevel(level: LogLevelName): SdkLevel {
  if (level === 'trace') return 'TRACE';
  if (level === 'debug') return 'DEBUG';
  if (level === 'info') return 'INFO';
  if (level === 'warn') return 'WARN';
  return 'ERROR';
}

/**
 * The Temporal Runtime's logger, writing through pino: workflow and activity lines carry the SDK's `workflowId`,
 * `workflowType`, `activityType` and `taskQueue` fields, so one bot's story can be filtered by `workflowId`.
 */
export function temporalLogger(logger: Logger, level: LogLevelName): DefaultLogger {
  const sdk = logger.child({ component: 'temporal-sdk' });
  return new DefaultLogger(sdkLevel(level), (entry: LogEntry) => {
    const { sdkComponent, ...meta } = entry.meta ?? {};
    // A bot's workflows are `bot:<botId>` (domain/workflow-ids.ts): name the bot too, so its lines filter by botId.
    const botId = typeof meta['workflowId'] === 'string' && meta['workflowId'].startsWith('bot:') ? meta['workflowId'].slice(4) : undefined;
    sdk[SDK_TO_PINO[entry.level]]({ ...meta, ...(botId ? { botId } : {}), ...(sdkComponent ? { sdkComponent } : {}) }, entry.message);
  });
}
