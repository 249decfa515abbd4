// temporary experiment (not committed)
import { startControlPlane } from '../devcluster/control-plane.ts';
import { createRun } from '../devcluster/run.ts';
import { KubeClient, NODE_NETWORK_CONFIGS, loadKubeConfig } from '../lib/kube/index.ts';
import type { NodeNetworkConfig } from '../lib/kube/index.ts';
const run = createRun();
const cp = await startControlPlane({ run, log: () => {} });
const client = new KubeClient(loadKubeConfig({ kubeconfig: cp.kubeconfig }), { maxSockets: 32 });
const overlays = Array.from({ length: 20 }, (_, i) => ({
  name: `bench-${i}`,
  vni: 100 + i,
  port: 8472,
  network: `10.${i * 8}.0.0/13`,
  subnet: `10.${i * 8}.3.0/24`,
  ipMasq: true,
  vtepMAC: '0e:00:00:00:00:01',
  publicIP: '10.200.0.1',
  etcdPrefix: `/plexus.dev/networks/bench-${i}`,
  directRouting: false,
}));
const obj = (name: string): NodeNetworkConfig => ({
  metadata: { name },
  spec: {
    cniConfig:
      '{"cniVersion":"1.1.0","name":"plexus","plugins":[{"type":"plexus","namespaceIsolation":false,"globalNamespaces":["default"]}]}\n',
    overlays,
  },
});
async function go(label: string, n: number, conc: number, fn: (i: number) => Promise<unknown>) {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  console.log(label, conc, ((performance.now() - t0) / 1000).toFixed(2), 's');
}
for (const conc of [4, 16]) {
  await go('ssa-create', 500, conc, (i) =>
    client.apply(NODE_NETWORK_CONFIGS, obj(`ssa-${conc}-${i}`), { fieldManager: 'x', force: true }),
  );
  await go('post', 500, conc, (i) => client.create(NODE_NETWORK_CONFIGS, obj(`post-${conc}-${i}`)));
  await go('ssa-update', 500, conc, (i) =>
    client.apply(
      NODE_NETWORK_CONFIGS,
      {
        ...obj(`ssa-${conc}-${i}`),
        spec: {
          ...obj('').spec,
          overlays: overlays.map((o) => ({ ...o, publicIP: '10.200.0.2' })),
        },
      },
      { fieldManager: 'x', force: true },
    ),
  );
  await go('merge-update', 500, conc, (i) =>
    client.patch(
      NODE_NETWORK_CONFIGS,
      { name: `post-${conc}-${i}` },
      { spec: { overlays: overlays.map((o) => ({ ...o, publicIP: '10.200.0.2' })) } },
      { type: 'merge' },
    ),
  );
}
console.log('load', (await import('node:os')).loadavg());
client.close();
await run.close();
