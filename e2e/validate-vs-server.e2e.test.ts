// `plexus validate` and the API server must agree where both judge: what the
// offline check passes (examples/) the server stores; what the CRD schema and
// CEL refuse, the offline check refuses too. A drift between api/ rules and
// the generated CRDs shows up here.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { skipReason, controlPlane } from './context.ts';
import { kubectl } from '../devcluster/kube.ts';
import { validateManifests } from '../api/validate/index.ts';

const root = join(fileURLToPath(import.meta.url), '..', '..');

const badOverlays: [string, Record<string, unknown>][] = [
  ['host bits set', { network: '173.17.0.1/16', backend: { type: 'vxlan', vni: 11 } }],
  ['VNI out of range', { network: '173.18.0.0/16', backend: { type: 'vxlan', vni: 16777216 } }],
  [
    'subnetLen too long',
    { network: '173.19.0.0/16', subnetLen: 31, backend: { type: 'vxlan', vni: 12 } },
  ],
  ['network smaller than /28', { network: '173.20.0.0/29', backend: { type: 'vxlan', vni: 13 } }],
  ['unknown backend', { network: '173.21.0.0/16', backend: { type: 'udp', vni: 14 } }],
  [
    'a ".." segment in etcdPrefix',
    {
      network: '173.22.0.0/16',
      etcdPrefix: '/plexus.dev/networks/x/../a',
      backend: { type: 'vxlan', vni: 15 },
    },
  ],
  [
    'an empty segment in etcdPrefix',
    { network: '173.23.0.0/16', etcdPrefix: '/k8s//network2', backend: { type: 'vxlan', vni: 16 } },
  ],
];

describe.skipIf(skipReason() !== null)('plexus validate agrees with the API server', () => {
  it('the API server accepts every manifest in examples/ (server-side dry run)', async () => {
    const cp = controlPlane();
    await kubectl(cp, ['create', 'namespace', 'team-a', '--dry-run=server']);
    const out = await kubectl(cp, [
      'apply',
      '--dry-run=server',
      '--server-side',
      '--field-manager=plexus-e2e',
      '-f',
      join(root, 'examples'),
    ]);
    expect(out.stdout).toMatch(
      /overlaynetwork\.plexus\.dev\/blue serverside-applied \(server dry run\)/,
    );
    expect(out.stdout).toMatch(
      /networkattachmentdefinition\.k8s\.cni\.cncf\.io\/macvlan-conf serverside-applied/,
    );
    expect(out.stdout).toMatch(/deployment\.apps\/storage-client serverside-applied/);
  });

  for (const [what, spec] of badOverlays) {
    it(`both refuse an OverlayNetwork with ${what}`, async () => {
      const on = {
        apiVersion: 'plexus.dev/v1alpha1',
        kind: 'OverlayNetwork',
        metadata: { name: 'bad' },
        spec,
      };
      const offline = validateManifests([{ file: 'x', document: 1, value: on }]).objects;
      expect(offline[0]?.errors.length, `offline check missed: ${what}`).toBeGreaterThan(0);
      const server = await kubectl(controlPlane(), ['create', '--dry-run=server', '-f', '-'], {
        input: JSON.stringify(on),
        allowFail: true,
      });
      expect(server.code, `API server accepted: ${what}`).not.toBe(0);
      expect(server.stderr).toMatch(/is invalid/);
    });
  }
});
