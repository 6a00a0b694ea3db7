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

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'efm' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: {
        // Person numbers are hashed in every field and in the message text.
        log: (object) => redactValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactPersonNumbers(a) : a));
          method.apply(this, redacted as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}
