// Size guards for user text: UTF-8 length without Buffer (api/ runs anywhere),
// and the one finding for text over its byte limit.
import { error, type Finding } from './findings.ts';

/** The number of bytes `text` takes in UTF-8 (lone surrogates count 3, as
 * TextEncoder writes them as U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** True when `text` takes more than `limit` bytes in UTF-8. Counts only when
 * the UTF-16 length cannot decide (UTF-8 takes 1 to 3 bytes per code unit). */
export function exceedsBytes(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return utf8Length(text) > limit;
}

export interface SizeLimit {
  /** The limit in bytes. */
  bytes: number;
  /** The limit as people say it, e.g. "256 KiB". */
  label: string;
  /** Why the limit exists, e.g. "the most Kubernetes stores for all annotations of an object". */
  why: string;
  fix: string;
}

/** The finding for `text` over `limit`, or undefined when it fits. */
export function sizeFinding(text: string, field: string, limit: SizeLimit): Finding | undefined {
  if (!exceedsBytes(text, limit.bytes)) return undefined;
  return error(field, `is larger than ${limit.label}, ${limit.why}`, limit.fix);
}
