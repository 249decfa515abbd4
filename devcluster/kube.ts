// Talking to a running control plane: kubectl with the run's kubeconfigs, and
// plain HTTPS requests with the client certificates (no client library needed).
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { run } from './proc.ts';
import type { RunResult } from './proc.ts';

/** What a test process needs to use a control plane; plain data, so vitest can `provide` it. */
export interface ControlPlaneInfo {
  runId: string;
  /** The control plane's dir (certs, logs, data). */
  dir: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** kubeconfig of the admin (O=system:masters). */
  kubeconfig: string;
  /** kubeconfig of the restricted identity (no RBAC grants of its own). */
  restrictedKubeconfig: string;
  restrictedUser: string;
  restrictedGroup: string;
  etcdEndpoint: string;
  kubectlBin: string;
  kubectlCacheDir: string;
  caCert: string;
  adminCert: string;
  adminKey: string;
  restrictedCert: string;
  restrictedKey: string;
  k8sVersion: string;
  etcdVersion: string;
  /** Names of the CRDs installed from crds/. */
  crds: string[];
  timings: StartTimings;
}

export interface StartTimings {
  binariesSeconds: number;
  binariesSource: string;
  pkiSeconds: number;
  etcdSeconds: number;
  apiserverSeconds: number;
  crdsSeconds: number;
  totalSeconds: number;
}

export type Identity = 'admin' | 'restricted';

/** What a raw API request needs: the server and the PEM files of both identities. */
export type ApiClientInfo = Pick<
  ControlPlaneInfo,
  'server' | 'caCert' | 'adminCert' | 'adminKey' | 'restrictedCert' | 'restrictedKey'
>;

export interface KubectlOptions {
  input?: string;
  as?: Identity;
  allowFail?: boolean;
  timeoutMs?: number;
}

/** Runs kubectl against the control plane; throws CommandError (with kubectl's message) on failure unless allowFail. */
export function kubectl(
  info: ControlPlaneInfo,
  args: readonly string[],
  opts: KubectlOptions = {},
): Promise<RunResult> {
  const kubeconfig = opts.as === 'restricted' ? info.restrictedKubeconfig : info.kubeconfig;
  return run(
    info.kubectlBin,
    [`--kubeconfig=${kubeconfig}`, `--cache-dir=${info.kubectlCacheDir}`, ...args],
    {
      input: opts.input,
      allowFail: opts.allowFail,
      timeoutMs: opts.timeoutMs ?? 60_000,
      // Keep kubectl from reading or writing the user's own config and cache.
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: info.dir },
    },
  );
}

/** kubectl ... -o json, parsed. */
export async function kubectlJson(
  info: ControlPlaneInfo,
  args: readonly string[],
  opts: KubectlOptions = {},
): Promise<unknown> {
  const res = await kubectl(info, [...args, '-o', 'json'], opts);
  return JSON.parse(res.stdout) as unknown;
}

export interface ApiResponse {
  status: number;
  body: string;
  /** body parsed as JSON, when it is JSON. */
  json: unknown;
}

/** A raw API request with a client certificate, e.g. to see the exact status and Status message. */
export function apiRequest(
  info: ApiClientInfo,
  method: string,
  path: string,
  opts: { body?: unknown; as?: Identity; contentType?: string; timeoutMs?: number } = {},
): Promise<ApiResponse> {
  const restricted = opts.as === 'restricted';
  const url = new URL(path, info.server);
  const payload =
    opts.body === undefined
      ? undefined
      : typeof opts.body === 'string'
        ? opts.body
        : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: readFileSync(info.caCert),
        cert: readFileSync(restricted ? info.restrictedCert : info.adminCert),
        key: readFileSync(restricted ? info.restrictedKey : info.adminKey),
        headers: {
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': opts.contentType ?? 'application/json' }),
        },
        timeout: opts.timeoutMs ?? 30_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          let json: unknown = undefined;
          try {
            json = JSON.parse(body) as unknown;
          } catch {
            // not JSON (e.g. /readyz)
          }
          resolve({ status: res.statusCode ?? 0, body, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.href} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}
