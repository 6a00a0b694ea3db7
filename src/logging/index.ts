export { createLogger, setLogLevel, type Logger, type LoggerOptions } from './logger.js';
export { redactPersonNumbers, hashPersonNumber } from './redact.js';
