// createLogger: pino JSON lines (stderr by default), level from the option or PLEXUS_LOG_LEVEL,
// every record scrubbed of secrets before it is written.
import { pino } from 'pino';
import type {
  Bindings,
  ChildLoggerOptions,
  DestinationStream,
  Logger as PinoLogger,
  LevelWithSilent,
} from 'pino';
import { createScrubber } from './redact.ts';

export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

export const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
export const LOG_LEVEL_ENV = 'PLEXUS_LOG_LEVEL';

export interface LoggerOptions {
  /** The component, written as `name` on every line (e.g. "operator"). */
  name: string;
  /** Default: $PLEXUS_LOG_LEVEL, else "info". */
  level?: string;
  /** Where lines go; default stderr (written synchronously, so nothing is lost at exit). */
  stream?: DestinationStream;
  /** More key names whose values are secrets, beyond DEFAULT_SECRET_KEYS. */
  secretKeys?: readonly string[];
}

/** The level to use, or an error naming the bad value and the choices. */
export function parseLogLevel(value: string, source: string): LogLevel {
  const level = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new Error(
    `${source}: unknown log level ${JSON.stringify(value.slice(0, 40))}; use one of ${LOG_LEVELS.join(', ')}`,
  );
}

export function createLogger(opts: LoggerOptions): Logger {
  const envLevel = process.env[LOG_LEVEL_ENV];
  const level =
    opts.level !== undefined
      ? parseLogLevel(opts.level, 'log level')
      : envLevel
        ? parseLogLevel(envLevel, LOG_LEVEL_ENV)
        : 'info';
  const scrubber = createScrubber(opts.secretKeys);
  const stream = opts.stream ?? pino.destination({ fd: 2, sync: true });
  const logger = pino(
    {
      name: opts.name,
      level,
      // The time as ISO text reads better in `kubectl logs`; the level as its name, not a number.
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => scrubber.scrub(bindings) as Record<string, unknown>,
        log: (record) => scrubber.scrub(record) as Record<string, unknown>,
      },
      // The formatter above has already made errors plain (and scrubbed); keep its `type`.
      serializers: { err: (e: unknown) => (e instanceof Error ? scrubber.scrub(e) : e) },
      hooks: {
        // The message text (and printf-style arguments) can quote a header or a key too.
        logMethod(args, method) {
          const [first, ...rest] = args as unknown[];
          // log.error(err) makes err.message the message: scrub it like any other text.
          const clean =
            first instanceof Error
              ? [{ err: first }, ...(rest.length > 0 ? rest : [first.message])]
              : args;
          const scrubbed = clean.map((a) => (typeof a === 'string' ? scrubber.scrubText(a) : a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    stream,
  );
  // pino applies no formatter to child bindings; scrub them on the way in. Children inherit
  // from their parent's prototype, so this one override covers every descendant.
  type ChildFn = (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;
  const protoChild = (Object.getPrototypeOf(logger) as { child: ChildFn }).child;
  const scrubbedChild: ChildFn = function (bindings, options) {
    return protoChild.call(this, scrubber.scrub(bindings) as Bindings, options);
  };
  (logger as unknown as { child: ChildFn }).child = scrubbedChild;
  return logger;
}

/** "namespace/name", or "name" for a cluster-scoped object: the key controllers log and queue by. */
export function objectKey(meta: { namespace?: string; name?: string }): string {
  return meta.namespace ? `${meta.namespace}/${meta.name ?? ''}` : (meta.name ?? '');
}
