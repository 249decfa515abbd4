// Flag values of `plexus operator` (and `plexus dev`): each parser turns one
// string (from the command line or its PLEXUS_* variable) into a typed value,
// or throws commander's InvalidArgumentError with what to write instead.
import { InvalidArgumentError } from 'commander';
import { dns1123LabelProblem } from '../../api/common/index.ts';
import { LOG_LEVELS } from '../../lib/log/index.ts';

/** `:8081`, `0.0.0.0:8081`, `127.0.0.1:0` → host and port; `0` → false, turned off (only
 * where allowed; commander turns a null from a parser into ""). */
export function listenAddress(value: string): { host: string; port: number } | false {
  const v = value.trim();
  if (v === '0') return false;
  const m = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (m === null || !Number.isInteger(port) || port > 65535)
    throw new InvalidArgumentError(
      `${JSON.stringify(value.slice(0, 60))} is not an address; write HOST:PORT or :PORT (e.g. :8081, 127.0.0.1:8081), or 0 to turn it off`,
    );
  const host = (m[1] as string).replace(/^\[|\]$/g, '') || '0.0.0.0';
  return { host, port };
}

/** `15s`, `500ms`, `2m`, or a number of seconds → milliseconds. */
export function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (m === null)
    throw new InvalidArgumentError(
      `${JSON.stringify(value.slice(0, 40))} is not a duration; write e.g. 15s, 500ms or 2m`,
    );
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (ms <= 0 || ms > 3_600_000)
    throw new InvalidArgumentError(`${value} is out of range; use more than 0 and at most 1h`);
  return Math.round(ms);
}

export function positiveInt(max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value.trim());
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(
        `${JSON.stringify(value.slice(0, 40))} must be a whole number from 1 to ${max}`,
      );
    return n;
  };
}

/** `true/false/1/0/yes/no` (environment variables cannot use --no-…). */
export function booleanValue(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new InvalidArgumentError(`${JSON.stringify(value.slice(0, 40))} must be true or false`);
}

/** Comma-separated etcd URLs. */
export function endpointList(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0)
    throw new InvalidArgumentError('names no endpoint; e.g. https://10.0.0.1:2379');
  for (const e of list) {
    let url: URL | undefined;
    try {
      url = new URL(e);
    } catch {
      url = undefined;
    }
    if (
      url === undefined ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.port === ''
    )
      throw new InvalidArgumentError(
        `${JSON.stringify(e.slice(0, 80))} is not an etcd URL; write it as http(s)://host:port`,
      );
  }
  return list;
}

/** Comma-separated namespace names. */
export function namespaceList(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const ns of list) {
    const problem = dns1123LabelProblem(ns);
    if (problem !== undefined)
      throw new InvalidArgumentError(`namespace ${JSON.stringify(ns.slice(0, 70))} ${problem}`);
  }
  return list;
}

export function namespaceName(value: string): string {
  const problem = dns1123LabelProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`a namespace name ${problem}`);
  return value;
}

export function logLevel(value: string): string {
  const v = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(v)) return v;
  throw new InvalidArgumentError(
    `${JSON.stringify(value.slice(0, 40))} is not a log level; use one of ${LOG_LEVELS.join(', ')}`,
  );
}
