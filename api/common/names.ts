// Name rules shared by every validator: Kubernetes object names and Linux
// interface names. Each returns undefined when valid, else the reason.
import { utf8Length } from './size.ts';

/** Also used as the `pattern` of schema fields, so the CRD and the code agree. */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS1123_LABEL = new RegExp(DNS1123_LABEL_PATTERN);
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** RFC 1123 label: namespaces, and names of NADs as the NPWG spec requires. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 63) return `must be at most 63 characters (has ${name.length})`;
  if (!DNS1123_LABEL.test(name)) {
    return 'must consist of lower-case letters, digits and "-", and start and end with a letter or digit';
  }
  return undefined;
}

/** RFC 1123 subdomain: names of most Kubernetes objects. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 253) return `must be at most 253 characters (has ${name.length})`;
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return 'must consist of lower-case letters, digits, "-" and ".", and start and end with a letter or digit';
  }
  return undefined;
}

/** Linux interface name rules (dev_valid_name in net/core/dev.c): 1–15 bytes,
 * not `.` or `..`, no `/`, `:` or whitespace. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  const bytes = utf8Length(name);
  if (bytes > 15) return `must be at most 15 bytes (IFNAMSIZ - 1), has ${bytes}`;
  if (name === '.' || name === '..') return 'must not be "." or ".."';
  if (/[/:\s]/u.test(name)) return 'must not contain "/", ":" or whitespace';
  // A NUL cannot travel through netlink as part of a name.
  if (name.includes('\0')) return 'must not contain NUL';
  return undefined;
}
