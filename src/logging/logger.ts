import { pino, type Logger, type DestinationStream } from 'pino';
import { redactPersonNumbers, redactValue } from './redact.js';

export type { Logger } from 'pino';

// Secrets never reach a log line: these paths are censored wherever they appear.
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.privateKey',
  '*.sasToken',
  'password',
  'secret',
  'token',
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; stdout when absent. Tests pass a collecting stream. */
  destination?: DestinationStream;
}

// The level can change while the daemon runs (a centrally pushed log level, issue 6), and pino children
// keep the level they were made with. So pino itself lets everything through and one threshold, shared
// by the root logger and all its children, decides in the logMethod hook.
const thresholds = new WeakMap<Logger, { value: number }>();

function levelValue(level: string): number {
  return level === 'silent' ? Infinity : (pino.levels.values[level] ?? pino.levels.values.info ?? 30);
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = { value: levelValue(options.level) };
  const root = pino(
    {
      level: 'trace',
      base: { service: 'efm' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: {
        // Person numbers are hashed in every field and in the message text.
        log: (object) => redactValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method, level) {
          if (level < threshold.value) return;
          const redacted = args.map((a) => (typeof a === 'string' ? redactPersonNumbers(a) : a));
          method.apply(this, redacted as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
  thresholds.set(root, threshold);
  return root;
}

/** Changes the level of a logger made by createLogger and of every child made from it. */
export function setLogLevel(root: Logger, level: string): void {
  const threshold = thresholds.get(root);
  if (threshold) threshold.value = levelValue(level);
}
