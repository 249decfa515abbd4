// KubeClient: typed get/list/create/replace/patch/delete (and their status subresource) for any
// ResourceType, and server-side apply with our own field manager.
import { apiVersionOf, resourcePath } from './resources.ts';
import type { ResourceType } from './resources.ts';
import { Transport } from './transport.ts';
import type { Query, TransportOptions } from './transport.ts';
import type { KubeConfig } from './config.ts';
import type { KubeObject, ObjectList } from './types.ts';

export type PatchType = 'merge' | 'json' | 'strategic';
const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export interface Target {
  name: string;
  /** Required for namespaced resources. */
  namespace?: string;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; with `continue`, fetch the next page. */
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  signal?: AbortSignal;
}

export interface WriteOptions {
  /** Who owns the fields this write sets (managedFields); default the client's. */
  fieldManager?: string;
  dryRun?: boolean;
  /** Write the status subresource instead of the main resource. */
  status?: boolean;
  signal?: AbortSignal;
}

export interface PatchOptions extends WriteOptions {
  type: PatchType;
}

export interface ApplyOptions {
  fieldManager: string;
  /** Take over fields another manager owns instead of failing with a conflict. */
  force?: boolean;
  status?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** Delete only if the object still has this uid / resourceVersion. */
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

export interface KubeClientOptions extends TransportOptions {
  /** Field manager for writes that name none; default "plexus". */
  fieldManager?: string;
}

function targetOf(obj: KubeObject): Target {
  const name = obj.metadata?.name;
  if (!name) throw new Error('the object has no metadata.name; set one');
  return { name, namespace: obj.metadata?.namespace };
}

function writeQuery(opts: WriteOptions, fallbackManager: string): Query {
  return {
    fieldManager: opts.fieldManager ?? fallbackManager,
    dryRun: opts.dryRun ? 'All' : undefined,
  };
}

export class KubeClient {
  readonly transport: Transport;
  readonly fieldManager: string;

  constructor(config: KubeConfig, opts: KubeClientOptions = {}) {
    this.transport = new Transport(config, opts);
    this.fieldManager = opts.fieldManager ?? 'plexus';
  }

  get config(): KubeConfig {
    return this.transport.config;
  }

  get<T extends KubeObject>(
    type: ResourceType<T>,
    target: Target,
    signal?: AbortSignal,
  ): Promise<T> {
    return this.transport.json<T>({ method: 'GET', path: resourcePath(type, target), signal });
  }

  /** One page (or all, when no limit is given and the server does not page). */
  list<T extends KubeObject>(
    type: ResourceType<T>,
    opts: ListOptions = {},
  ): Promise<ObjectList<T>> {
    const { namespace, signal, ...query } = opts;
    return this.transport.json<ObjectList<T>>({
      method: 'GET',
      path: resourcePath(type, { namespace }),
      query: { ...query },
      signal,
    });
  }

  /** Every item, fetched in pages of `pageSize` (default 500); the resourceVersion is the first page's. */
  async listAll<T extends KubeObject>(
    type: ResourceType<T>,
    opts: ListOptions & { pageSize?: number } = {},
  ): Promise<{ items: T[]; resourceVersion: string }> {
    const { pageSize, ...rest } = opts;
    const items: T[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.list(type, { ...rest, limit: pageSize ?? 500, continue: cont });
      items.push(...page.items);
      resourceVersion ||= page.metadata?.resourceVersion ?? '';
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return { items, resourceVersion };
  }

  create<T extends KubeObject>(type: ResourceType<T>, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.transport.json<T>({
      method: 'POST',
      path: resourcePath(type, { namespace: obj.metadata?.namespace }),
      query: writeQuery(opts, this.fieldManager),
      body: { apiVersion: apiVersionOf(type), kind: type.kind, ...obj },
      signal: opts.signal,
    });
  }

  /** PUT: with metadata.resourceVersion set, fails with a conflict if the object changed meanwhile. */
  replace<T extends KubeObject>(
    type: ResourceType<T>,
    obj: T,
    opts: WriteOptions = {},
  ): Promise<T> {
    return this.transport.json<T>({
      method: 'PUT',
      path: resourcePath(type, {
        ...targetOf(obj),
        subresource: opts.status ? 'status' : undefined,
      }),
      query: writeQuery(opts, this.fieldManager),
      body: { apiVersion: apiVersionOf(type), kind: type.kind, ...obj },
      signal: opts.signal,
    });
  }

  /** A merge, JSON or strategic-merge patch (strategic works on built-in kinds only, not on CRDs). */
  patch<T extends KubeObject>(
    type: ResourceType<T>,
    target: Target,
    patch: unknown,
    opts: PatchOptions,
  ): Promise<T> {
    return this.transport.json<T>({
      method: 'PATCH',
      path: resourcePath(type, { ...target, subresource: opts.status ? 'status' : undefined }),
      query: writeQuery(opts, this.fieldManager),
      body: patch,
      contentType: PATCH_CONTENT_TYPE[opts.type],
      signal: opts.signal,
    });
  }

  /**
   * Server-side apply: the server merges `obj` as owned by opts.fieldManager (visible in
   * managedFields); fields owned by another manager conflict unless `force`.
   */
  apply<T extends KubeObject>(type: ResourceType<T>, obj: T, opts: ApplyOptions): Promise<T> {
    if (!opts.fieldManager)
      throw new Error('server-side apply needs a fieldManager; name the component applying');
    return this.transport.json<T>({
      method: 'PATCH',
      path: resourcePath(type, {
        ...targetOf(obj),
        subresource: opts.status ? 'status' : undefined,
      }),
      query: {
        fieldManager: opts.fieldManager,
        force: opts.force ? true : undefined,
        dryRun: opts.dryRun ? 'All' : undefined,
      },
      // JSON is YAML: the apply content type takes it as it is.
      body: { apiVersion: apiVersionOf(type), kind: type.kind, ...obj },
      contentType: 'application/apply-patch+yaml',
      signal: opts.signal,
    });
  }

  delete<T extends KubeObject>(
    type: ResourceType<T>,
    target: Target,
    opts: DeleteOptions = {},
  ): Promise<unknown> {
    const hasBody =
      opts.propagationPolicy || opts.preconditions || opts.gracePeriodSeconds !== undefined;
    return this.transport.json<unknown>({
      method: 'DELETE',
      path: resourcePath(type, target),
      body: hasBody ? { apiVersion: 'v1', kind: 'DeleteOptions', ...opts } : undefined,
    });
  }

  close(): void {
    this.transport.close();
  }
}
