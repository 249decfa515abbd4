// Structured logging for every running part: pino JSON lines, secrets scrubbed.
/** createLogger({name, level?, stream?, secretKeys?}): a pino logger writing JSON lines to stderr. */
export { createLogger, parseLogLevel, objectKey, LOG_LEVELS, LOG_LEVEL_ENV } from './logger.ts';
/** Logger: the pino logger type; LoggerOptions: createLogger's options; LogLevel: a level name. */
export type { Logger, LoggerOptions, LogLevel } from './logger.ts';
/** createScrubber(extraKeys): the secret scrubber the logger uses; REDACTED: what replaces a secret. */
export { createScrubber, REDACTED, DEFAULT_SECRET_KEYS } from './redact.ts';
/** Scrubber: scrub(value) and scrubText(text). */
export type { Scrubber } from './redact.ts';
