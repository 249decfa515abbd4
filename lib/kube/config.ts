// loadKubeConfig: where to reach the API server and how to authenticate, from a kubeconfig file
// (the given path, else $KUBECONFIG, else in-cluster, else ~/.kube/config — controller-runtime's
// order) or from the pod's service account. Parsed here, so @kubernetes/client-node is not loaded.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const MAX_KUBECONFIG_BYTES = 4 * 1024 * 1024;
const requireModule = createRequire(import.meta.url);

export interface KubeConfig {
  /** https://host:port, no trailing slash. */
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** A static bearer token. */
  token?: string;
  /** A bearer token file, re-read as it rotates (projected service-account tokens do). */
  tokenFile?: string;
  insecureSkipTlsVerify: boolean;
  /** TLS server name to check instead of the host in `server`. */
  tlsServerName?: string;
  /** The context's namespace, or the pod's for in-cluster. */
  namespace?: string;
  /** Where this came from, for messages: a file path or "in-cluster". */
  source: string;
}

export interface LoadKubeConfigOptions {
  /** A kubeconfig file; "" or undefined means: look in the usual places. */
  kubeconfig?: string;
  /** A context other than current-context. */
  context?: string;
  /** For tests: the environment and the service-account dir to read. */
  env?: NodeJS.ProcessEnv;
  serviceAccountDir?: string;
}

export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

function record(value: unknown, what: string, source: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new KubeConfigError(`${source}: ${what} must be a mapping`);
  return value as Record<string, unknown>;
}

function findNamed(
  list: unknown,
  name: string,
  what: string,
  source: string,
): Record<string, unknown> {
  if (!Array.isArray(list))
    throw new KubeConfigError(`${source}: no ${what}s listed; add a "${what}s" list`);
  const entry = (list as (Record<string, unknown> | null)[]).find((e) => e?.name === name);
  if (!entry)
    throw new KubeConfigError(
      `${source}: no ${what} named ${JSON.stringify(name)}; add it to "${what}s" or pick another context`,
    );
  return record(entry[what], what, source);
}

function str(m: Record<string, unknown>, key: string, source: string): string | undefined {
  const v = m[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new KubeConfigError(`${source}: ${key} must be a string`);
  return v;
}

/** Inline base64 data, else the file it names (relative to the kubeconfig's dir). */
function material(
  m: Record<string, unknown>,
  key: string,
  baseDir: string,
  source: string,
): Buffer | undefined {
  const data = str(m, `${key}-data`, source);
  if (data !== undefined) return Buffer.from(data, 'base64');
  const file = str(m, key, source);
  if (file === undefined) return undefined;
  const path = isAbsolute(file) ? file : join(baseDir, file);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new KubeConfigError(`${source}: cannot read ${key} ${path}: ${(e as Error).message}`);
  }
}

/** A kubeconfig's text: JSON (a subset of YAML, which kubectl reads too) as is, anything else
 * with the YAML parser, loaded only then. A part running in-cluster, or given a JSON kubeconfig,
 * never loads it (about 10 MB of RSS). */
function parseKubeconfigText(text: string): unknown {
  if (/^\s*\{/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not JSON after all: YAML may still read it
    }
  }
  const { parse } = requireModule('yaml') as typeof Yaml;
  return parse(text, { maxAliasCount: 100 }) as unknown;
}

function readKubeconfigFile(path: string): unknown {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_KUBECONFIG_BYTES)
      throw new KubeConfigError(
        `${path}: ${buf.length} bytes is not a kubeconfig (limit ${MAX_KUBECONFIG_BYTES})`,
      );
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof KubeConfigError) throw e;
    throw new KubeConfigError(
      `cannot read kubeconfig ${path}: ${(e as Error).message}; pass an existing file with --kubeconfig`,
    );
  }
  try {
    return parseKubeconfigText(text);
  } catch (e) {
    throw new KubeConfigError(
      `kubeconfig ${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

export function kubeConfigFromFile(path: string, context?: string): KubeConfig {
  const source = resolve(path);
  const doc = record(readKubeconfigFile(source), 'the document', source);
  const contextName = context ?? str(doc, 'current-context', source);
  if (!contextName)
    throw new KubeConfigError(`${source}: no current-context; set one or pass a context`);
  const ctx = findNamed(doc.contexts, contextName, 'context', source);
  const clusterName = str(ctx, 'cluster', source);
  if (!clusterName) throw new KubeConfigError(`${source}: context ${contextName} names no cluster`);
  const cluster = findNamed(doc.clusters, clusterName, 'cluster', source);
  const userName = str(ctx, 'user', source);
  const user = userName ? findNamed(doc.users, userName, 'user', source) : {};
  const server = str(cluster, 'server', source);
  if (!server) throw new KubeConfigError(`${source}: cluster ${clusterName} has no server`);
  if (!/^https?:\/\//.test(server))
    throw new KubeConfigError(`${source}: server ${server} must be an http(s) URL`);
  if (user.exec !== undefined || user['auth-provider'] !== undefined)
    throw new KubeConfigError(
      `${source}: user ${userName} uses an exec or auth-provider plugin, which Plexus does not run; use a client certificate or a token`,
    );
  const baseDir = dirname(source);
  return {
    server: server.replace(/\/+$/, ''),
    ca: material(cluster, 'certificate-authority', baseDir, source),
    cert: material(user, 'client-certificate', baseDir, source),
    key: material(user, 'client-key', baseDir, source),
    token: str(user, 'token', source),
    tokenFile: str(user, 'tokenFile', source),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: str(cluster, 'tls-server-name', source),
    namespace: str(ctx, 'namespace', source),
    source,
  };
}

export function inClusterConfig(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): KubeConfig {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port)
    throw new KubeConfigError('not in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set');
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile))
    throw new KubeConfigError(
      `in-cluster: no service-account token at ${tokenFile}; mount one (automountServiceAccountToken)`,
    );
  const nsFile = join(dir, 'namespace');
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: readFileSync(join(dir, 'ca.crt')),
    tokenFile,
    insecureSkipTlsVerify: false,
    namespace: existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : undefined,
    source: 'in-cluster',
  };
}

export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): KubeConfig {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) return kubeConfigFromFile(opts.kubeconfig, opts.context);
  // $KUBECONFIG may list several files; like controller-runtime we use the first that exists.
  const fromEnv = (env.KUBECONFIG ?? '').split(':').filter((p) => p !== '');
  const existing = fromEnv.find((p) => existsSync(p));
  if (existing) return kubeConfigFromFile(existing, opts.context);
  if (env.KUBERNETES_SERVICE_HOST) return inClusterConfig(env, opts.serviceAccountDir);
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return kubeConfigFromFile(home, opts.context);
  throw new KubeConfigError(
    'no kubeconfig found: pass --kubeconfig FILE, set KUBECONFIG, or run in a pod with a service account',
  );
}
