// Counts the agent's requests to the API server by method and resource (watch streams
// excluded), so the cost of a CNI ADD in API requests can be measured and reported.
import type { KubeClient } from '../../lib/kube/index.ts';
import type { Counter } from 'prom-client';

/** The resource of an API path: /api/v1/namespaces/x/pods/y/status → pods/status. */
export function resourceOfPath(path: string): string {
  const parts =
    path
      .split('?')[0]
      ?.split('/')
      .filter((p) => p !== '') ?? [];
  // /api/v1/... or /apis/group/version/...
  let i = parts[0] === 'api' ? 2 : 3;
  if (parts[i] === 'namespaces' && parts.length > i + 2) i += 2;
  const resource = parts[i] ?? 'unknown';
  const sub = parts[i + 2];
  return sub === undefined ? resource : `${resource}/${sub}`;
}

/** Wraps the client's JSON requests so each one is counted. */
export function countRequests(client: KubeClient, counter: Counter<'method' | 'resource'>): void {
  const transport = client.transport;
  const json = transport.json.bind(transport);
  transport.json = <T>(opts: Parameters<typeof json>[0]): Promise<T> => {
    counter.inc({ method: opts.method, resource: resourceOfPath(opts.path) });
    return json<T>(opts);
  };
}
