// lib/kube Informer's transform against the real API server: listed and watched objects are
// stored and handed to handlers as the transform made them (here without managedFields).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_MAPS,
  Informer,
  KubeClient,
  NAMESPACES,
  loadKubeConfig,
} from '../lib/kube/index.ts';
import type { ConfigMap } from '../lib/kube/index.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';
import { controlPlane, skipReason, testRun } from './context.ts';

describe.skipIf(skipReason() !== null)('Informer transform', () => {
  let run: Run;
  let client: KubeClient;
  let ns: string;
  beforeAll(async () => {
    run = testRun();
    client = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane().kubeconfig }));
    ns = `lib-tf-${run.tag}`;
    await client.create(NAMESPACES, { metadata: { name: ns } });
    await client.create(CONFIG_MAPS, {
      metadata: { name: 'before', namespace: ns },
      data: { a: '1' },
    });
  });
  afterAll(async () => {
    await client?.delete(NAMESPACES, { name: ns }).catch(() => {});
    client?.close();
    await run?.close();
  });

  it('stores and hands out transformed objects, from the list and from the watch', async () => {
    const slim = (c: ConfigMap): ConfigMap => {
      const metadata = { ...c.metadata };
      delete metadata.managedFields;
      return { ...c, metadata, data: { ...c.data, seen: 'yes' } };
    };
    const informer = new Informer<ConfigMap>({
      client,
      type: CONFIG_MAPS,
      namespace: ns,
      transform: slim,
    });
    const handed: ConfigMap[] = [];
    informer.on('add', (o) => handed.push(o));
    informer.on('update', (_old, o) => handed.push(o));
    informer.start();
    await informer.waitForSync();
    await client.create(CONFIG_MAPS, {
      metadata: { name: 'after', namespace: ns },
      data: { a: '2' },
    });
    await client.patch(
      CONFIG_MAPS,
      { name: 'before', namespace: ns },
      { data: { a: '3' } },
      { type: 'merge' },
    );
    await waitFor('both events', async () => (handed.length >= 3 ? true : undefined), {
      timeoutMs: 10_000,
    });
    await informer.stop();
    for (const o of [...handed, ...informer.store.list()]) {
      expect(o.metadata?.managedFields).toBeUndefined();
      expect(o.data?.seen).toBe('yes');
    }
    expect(informer.store.get(`${ns}/before`)?.data?.a).toBe('3');
  });
});
