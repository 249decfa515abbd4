// lib/kube against the real kube-apiserver: typed CRUD (core, apps, coordination, our CRDs and
// the NPWG NAD, status subresource, the three patch types), server-side apply under our field
// manager, Events folded into a series, and the informer: list, watch, bookmarks, selectors,
// indexers, and a watch event over the size limit handled as an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_MAPS,
  DEPLOYMENTS,
  EVENTS,
  EventRecorder,
  Informer,
  KubeClient,
  LEASES,
  NAMESPACES,
  NETWORK_ATTACHMENT_DEFINITIONS,
  NODE_NETWORK_CONFIGS,
  OVERLAY_NETWORKS,
  byLabel,
  isAlreadyExists,
  isConflict,
  isNotFound,
  loadKubeConfig,
  microTime,
} from '../lib/kube/index.ts';
import type { ConfigMap, OverlayNetwork, ApiError } from '../lib/kube/index.ts';
import { controlPlane, skipReason, testRun } from './context.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';

const skip = skipReason() !== null;

describe.skipIf(skip)('lib/kube against the API server', () => {
  let run: Run;
  let client: KubeClient;
  let ns: string;

  beforeAll(async () => {
    run = testRun();
    client = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane().kubeconfig }), {
      fieldManager: 'plexus-lib-test',
    });
    ns = `lib-kube-${run.tag}`;
    await client.create(NAMESPACES, { metadata: { name: ns } });
  });
  afterAll(async () => {
    await client?.delete(NAMESPACES, { name: ns }).catch(() => {});
    client?.close();
    await run?.close();
  });

  const cm = (
    name: string,
    data: Record<string, string> = {},
    labels?: Record<string, string>,
  ): ConfigMap => ({
    metadata: { name, namespace: ns, labels },
    data,
  });

  describe('typed CRUD', () => {
    it('creates, reads, replaces, patches (merge, JSON, strategic) and deletes a ConfigMap', async () => {
      const created = await client.create(CONFIG_MAPS, cm('crud', { a: '1' }));
      expect(created.metadata?.uid).toBeTruthy();
      const got = await client.get(CONFIG_MAPS, { name: 'crud', namespace: ns });
      expect(got.data).toEqual({ a: '1' });
      const replaced = await client.replace(CONFIG_MAPS, { ...got, data: { a: '2' } });
      expect(replaced.data).toEqual({ a: '2' });
      // A replace with a stale resourceVersion is a conflict, not a silent overwrite.
      const stale = client.replace(CONFIG_MAPS, { ...got, data: { a: '3' } });
      await expect(stale).rejects.toSatisfy(isConflict);
      const merged = await client.patch(
        CONFIG_MAPS,
        { name: 'crud', namespace: ns },
        { data: { b: 'x' } },
        { type: 'merge' },
      );
      expect(merged.data).toEqual({ a: '2', b: 'x' });
      const jsonPatched = await client.patch(
        CONFIG_MAPS,
        { name: 'crud', namespace: ns },
        [{ op: 'remove', path: '/data/a' }],
        { type: 'json' },
      );
      expect(jsonPatched.data).toEqual({ b: 'x' });
      const strategic = await client.patch(
        CONFIG_MAPS,
        { name: 'crud', namespace: ns },
        { metadata: { labels: { s: 'y' } } },
        { type: 'strategic' },
      );
      expect(strategic.metadata?.labels).toEqual({ s: 'y' });
      await expect(client.create(CONFIG_MAPS, cm('crud'))).rejects.toSatisfy(isAlreadyExists);
      await client.delete(CONFIG_MAPS, { name: 'crud', namespace: ns });
      const gone = await client
        .get(CONFIG_MAPS, { name: 'crud', namespace: ns })
        .catch((e: unknown) => e);
      expect(isNotFound(gone)).toBe(true);
      expect((gone as ApiError).message).toMatch(/404 NotFound: configmaps "crud" not found/);
    });

    it('handles apps, coordination, our CRDs (with status) and the NPWG NAD', async () => {
      const dep = await client.create(DEPLOYMENTS, {
        metadata: { name: 'web', namespace: ns },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'c', image: 'example.invalid/none' }] },
          },
        },
      });
      expect(dep.spec?.replicas).toBe(1);
      const lease = await client.create(LEASES, {
        metadata: { name: 'l', namespace: ns },
        spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: microTime(Date.now()) },
      });
      expect(lease.spec?.holderIdentity).toBe('me');

      const name = `lib-${run.tag}`;
      const onet: OverlayNetwork = {
        metadata: { name },
        spec: { network: '10.77.0.0/16', backend: { type: 'vxlan', vni: 4242 } },
      } as OverlayNetwork;
      const stored = await client.create(OVERLAY_NETWORKS, onet);
      expect(stored.spec.network).toBe('10.77.0.0/16');
      const withStatus = await client.replace(
        OVERLAY_NETWORKS,
        {
          ...stored,
          status: { observedGeneration: 1, subnets: { capacity: 255, allocated: 0 } },
        } as OverlayNetwork,
        { status: true },
      );
      expect(withStatus.status?.subnets?.capacity).toBe(255);
      const patched = await client.patch(
        OVERLAY_NETWORKS,
        { name },
        { status: { subnets: { capacity: 255, allocated: 3 } } },
        { type: 'merge', status: true },
      );
      expect(patched.status?.subnets?.allocated).toBe(3);
      // The status subresource ignores spec changes, the main resource ignores status changes.
      expect(patched.spec.network).toBe('10.77.0.0/16');
      await client.delete(OVERLAY_NETWORKS, { name });

      const nnc = await client.create(NODE_NETWORK_CONFIGS, {
        metadata: { name },
        spec: { cniConfig: '{"cniVersion":"1.0.0","name":"plexus","plugins":[]}' },
      } as never);
      expect(nnc.metadata?.name).toBe(name);
      await client.delete(NODE_NETWORK_CONFIGS, { name });
      const nad = await client.create(NETWORK_ATTACHMENT_DEFINITIONS, {
        metadata: { name: 'macvlan', namespace: ns },
        spec: { config: '{"cniVersion":"1.0.0","type":"macvlan","master":"eth0"}' },
      });
      expect(nad.spec?.config).toContain('macvlan');
    });
  });

  describe('server-side apply', () => {
    it('applies with our field manager, visible in managedFields; conflicts need force', async () => {
      const obj = cm('ssa', { owned: 'by-operator' });
      const applied = await client.apply(CONFIG_MAPS, obj, { fieldManager: 'plexus-operator' });
      const entry = applied.metadata?.managedFields?.find((f) => f.manager === 'plexus-operator');
      expect(entry).toMatchObject({ operation: 'Apply', apiVersion: 'v1' });
      expect(JSON.stringify(entry?.fieldsV1)).toContain('f:owned');
      // Applying again with no change is a no-op on the server (same resourceVersion).
      const again = await client.apply(CONFIG_MAPS, obj, { fieldManager: 'plexus-operator' });
      expect(again.metadata?.resourceVersion).toBe(applied.metadata?.resourceVersion);
      // Another manager changing our field conflicts, and names us …
      const other = client.apply(CONFIG_MAPS, cm('ssa', { owned: 'by-someone' }), {
        fieldManager: 'someone-else',
      });
      await expect(other).rejects.toThrow(/409 Conflict: .*conflict with "plexus-operator"/);
      // … unless it forces, which takes the field over.
      const forced = await client.apply(CONFIG_MAPS, cm('ssa', { owned: 'by-someone' }), {
        fieldManager: 'someone-else',
        force: true,
      });
      expect(forced.data).toEqual({ owned: 'by-someone' });
      const managers = forced.metadata?.managedFields?.map((f) => f.manager);
      expect(managers).toContain('someone-else');
      expect(managers).not.toContain('plexus-operator');
      expect(() => client.apply(CONFIG_MAPS, obj, { fieldManager: '' })).toThrow(
        /needs a fieldManager/,
      );
    });
  });

  describe('EventRecorder', () => {
    it('writes an events.k8s.io Event and folds repeats into its series', async () => {
      const target = await client.create(CONFIG_MAPS, cm('evented'));
      const recorder = new EventRecorder({
        client,
        reportingController: 'plexus.dev/lib-test',
        reportingInstance: 'test-0',
        minPatchIntervalMs: 200,
      });
      const spec = {
        type: 'Warning',
        reason: 'SubnetsExhausted',
        action: 'Allocate',
        note: 'no free subnet',
      } as const;
      for (let i = 0; i < 5; i++) recorder.event(target, spec);
      recorder.event(target, { ...spec, type: 'Normal', reason: 'Other', note: 'different' });
      await recorder.flush();
      const events = await client.list(EVENTS, { namespace: ns });
      const ours = events.items.filter((e) => e.regarding?.name === 'evented');
      expect(ours).toHaveLength(2);
      const folded = ours.find((e) => e.reason === 'SubnetsExhausted');
      expect(folded).toMatchObject({
        type: 'Warning',
        note: 'no free subnet',
        action: 'Allocate',
        reportingController: 'plexus.dev/lib-test',
        regarding: { kind: 'ConfigMap', name: 'evented', uid: target.metadata?.uid },
        series: { count: 5 },
      });
      expect(recorder.dropped).toBe(0);
    });
  });

  describe('Informer', () => {
    it('lists, watches adds, updates and deletes, and honours label and field selectors', async () => {
      for (let i = 0; i < 30; i++)
        await client.create(
          CONFIG_MAPS,
          cm(`pre-${i}`, {}, { set: i % 2 ? 'odd' : 'even', app: 'inf' }),
        );
      const informer = new Informer({
        client,
        type: CONFIG_MAPS,
        namespace: ns,
        labelSelector: 'app=inf',
        pageSize: 7, // several pages
        indexers: { set: byLabel('set') },
      });
      const seen: string[] = [];
      informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
      informer.on('update', (old, o) =>
        seen.push(`update ${o.metadata?.name} ${old.data?.v ?? '-'}→${o.data?.v}`),
      );
      informer.on('delete', (o, info) =>
        seen.push(`delete ${o.metadata?.name} ${info.finalStateUnknown}`),
      );
      informer.start();
      try {
        await informer.waitForSync(AbortSignal.timeout(10_000));
        expect(informer.hasSynced()).toBe(true);
        expect(informer.store.size).toBe(30);
        expect(informer.store.byIndex('set', 'odd')).toHaveLength(15);
        expect(informer.store.byIndex('namespace', ns)).toHaveLength(30);
        expect(informer.stats.lists).toBe(1);
        seen.length = 0;

        await client.create(CONFIG_MAPS, cm('live', { v: '1' }, { app: 'inf' }));
        await client.create(CONFIG_MAPS, cm('unselected', {}, { app: 'other' }));
        await client.patch(
          CONFIG_MAPS,
          { name: 'live', namespace: ns },
          { data: { v: '2' } },
          { type: 'merge' },
        );
        await client.delete(CONFIG_MAPS, { name: 'live', namespace: ns });
        await waitFor('the delete event', async () => (seen.length >= 3 ? true : undefined), {
          timeoutMs: 10_000,
        });
        expect(seen).toEqual(['add live', 'update live 1→2', 'delete live false']);
        expect(informer.store.get(`${ns}/unselected`)).toBeUndefined();
      } finally {
        await informer.stop();
      }

      const byField = new Informer({
        client,
        type: CONFIG_MAPS,
        namespace: ns,
        fieldSelector: 'metadata.name=pre-3',
      });
      byField.start();
      await byField.waitForSync();
      expect(byField.store.keys()).toEqual([`${ns}/pre-3`]);
      await byField.stop();
    });

    it('gets bookmarks and moves its resourceVersion with them', async () => {
      const informer = new Informer({
        client,
        type: CONFIG_MAPS,
        namespace: ns,
        // The API server sends a bookmark shortly before a watch's timeout.
        watchTimeoutSeconds: 4,
        healthyWatchMs: 1000,
      });
      informer.start();
      try {
        await informer.waitForSync();
        // Changes elsewhere (another namespace) move the resourceVersion while we watch; the API
        // server tells us with bookmarks, which carry no object.
        const before = informer.resourceVersion;
        const other = { name: `other-${run.tag}`, namespace: 'default' };
        await client.create(CONFIG_MAPS, { metadata: other, data: { n: '0' } });
        let n = 0;
        await waitFor(
          'a bookmark',
          async () => {
            if (informer.stats.bookmarks > 0) return true;
            await client.patch(CONFIG_MAPS, other, { data: { n: String(++n) } }, { type: 'merge' });
            return undefined;
          },
          { timeoutMs: 30_000, intervalMs: 500 },
        );
        expect(informer.stats.events).toBe(informer.stats.bookmarks);
        expect(BigInt(informer.resourceVersion)).toBeGreaterThan(BigInt(before));
        expect(informer.stats.errors).toBe(0);
      } finally {
        await informer.stop();
        await client
          .delete(CONFIG_MAPS, { name: `other-${run.tag}`, namespace: 'default' })
          .catch(() => {});
      }
    });

    it('treats a watch event over the size limit as an error, keeps running and stops cleanly', async () => {
      const informer = new Informer({
        client,
        type: CONFIG_MAPS,
        namespace: ns,
        maxEventBytes: 4096,
        backoff: { initialMs: 50, maxMs: 200 },
      });
      const errors: string[] = [];
      informer.on('error', (e) => errors.push(e.message));
      informer.start();
      try {
        await informer.waitForSync();
        await client.create(CONFIG_MAPS, cm('huge', { blob: 'x'.repeat(20_000) }));
        await waitFor('the size error', async () => (errors.length > 0 ? true : undefined), {
          timeoutMs: 10_000,
        });
        expect(errors[0]).toMatch(/exceeds 4096 bytes; raise the informer's maxEventBytes/);
        // Still alive and retrying; other objects are untouched.
        expect(informer.store.get(`${ns}/huge`)).toBeUndefined();
        expect(informer.store.size).toBeGreaterThan(0);
      } finally {
        await informer.stop();
        await client.delete(CONFIG_MAPS, { name: 'huge', namespace: ns });
      }
    });
  });
});
