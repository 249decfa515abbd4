// The etcd prefix of an OverlayNetwork: the rule a written prefix must pass,
// and the key path flannel makes of it. flannel joins `<prefix>/config` and
// `<prefix>/subnets/…` with Go's path.Join, which cleans the path (drops "."
// and empty segments, resolves ".."), so a prefix is only safe to compare with
// others as written when it is already clean: the rule below makes sure it is.
import { error, type Finding } from '../common/findings.ts';
import { quote } from '../common/quote.ts';
import { typeError } from '../common/json-value.ts';
import {
  DEFAULT_ETCD_PREFIX_ROOT,
  ETCD_PREFIX_MAX_LENGTH,
  ETCD_PREFIX_PATTERN,
} from '../resources/overlay-network-names.ts';

const ETCD_PREFIX = new RegExp(ETCD_PREFIX_PATTERN);

/** `path` as Go's path.Clean makes it (and so path.Join): no empty or "."
 * segments, ".." resolved (at the root it stays at the root), no trailing "/". */
export function cleanKeyPath(path: string): string {
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') out.push(seg);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** The written prefix when it passes the rule; otherwise a finding, and undefined. */
export function readEtcdPrefix(prefix: unknown, field: string, out: Finding[]): string | undefined {
  if (typeof prefix !== 'string') {
    out.push(typeError(field, 'a string', prefix, 'e.g. /k8s/network2'));
    return undefined;
  }
  const problem = etcdPrefixProblem(prefix, field);
  if (problem === undefined) return prefix;
  out.push(problem);
  return undefined;
}

function etcdPrefixProblem(prefix: string, field: string): Finding | undefined {
  if (prefix.length > ETCD_PREFIX_MAX_LENGTH)
    return error(
      field,
      `must be at most ${ETCD_PREFIX_MAX_LENGTH} characters (has ${prefix.length})`,
    );
  if (ETCD_PREFIX.test(prefix)) return undefined;
  const q = quote(prefix);
  const cleaned = cleanKeyPath(prefix.startsWith('/') ? prefix : `/${prefix}`);
  const safe = cleaned.replace(/[^A-Za-z0-9._/-]/g, '-');
  const fix = ETCD_PREFIX.test(safe) ? `use ${safe}` : 'e.g. /k8s/network2';
  if (!prefix.startsWith('/')) return error(field, `${q} must be absolute (start with "/")`, fix);
  const dots = prefix.split('/').find((s) => s !== '' && /^\.+$/.test(s));
  if (dots === '.' || dots === '..')
    return error(
      field,
      `${q} has a "${dots}" segment: flannel joins its keys with Go's path.Join, which reads this prefix as ${readsAs(cleaned)}`,
      `write the prefix without "." or ".." segments${ETCD_PREFIX.test(safe) ? ` (${safe} if that is the one you mean)` : ''}, or omit etcdPrefix for the default`,
    );
  if (prefix.endsWith('/'))
    return error(field, `${q} must not end with "/": flannel appends /config and /subnets/`, fix);
  if (prefix.includes('//'))
    return error(
      field,
      `${q} must not contain an empty segment ("//"): flannel's path.Join reads it as ${readsAs(cleaned)}`,
      fix,
    );
  if (dots !== undefined)
    return error(field, `${q} has a segment of only dots (${quote(dots)})`, fix);
  return error(field, `${q} may only contain letters, digits, ".", "_", "-" and "/"`, fix);
}

/** A cleaned prefix for a message; naming the network whose default prefix it is. */
function readsAs(cleaned: string): string {
  const root = `${DEFAULT_ETCD_PREFIX_ROOT}/`;
  const rest = cleaned.startsWith(root) ? cleaned.slice(root.length) : '';
  return rest !== '' && !rest.includes('/')
    ? `${cleaned}, the default prefix of OverlayNetwork ${quote(rest)}`
    : cleaned;
}
