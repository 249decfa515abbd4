// `plexus validate` over manifests in the styles found in public repositories
// (testdata/real-world/): no error on the valid ones, and the one expected
// error on each truly broken one. kubectl must read every file the same way
// (checked with the YAML oracle when Go is available).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../main.ts';
import { READ_LIMITS } from './read-manifests.ts';
import { readDocuments } from './kube-yaml/index.ts';
import { readWithOracle, yamlOracle, yamlOracleMissing } from './testing/yaml-oracle.ts';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, 'testdata', 'real-world');
const validDir = join(corpus, 'valid');
const brokenDir = join(corpus, 'broken');

interface Finding {
  field: string;
  message: string;
  fix?: string;
}
interface Result {
  file: string;
  kind: string;
  namespace: string;
  name: string;
  errors: Finding[];
  warnings: Finding[];
}

async function validate(dir: string): Promise<{ code: number; results: Result[] }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.resume();
  stdin.end();
  const code = await runCli(['validate', '--output', 'json', dir], { stdout, stderr, stdin });
  return { code, results: (JSON.parse(out) as { results: Result[] }).results };
}

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));

/** The one error each broken file must get: its field, and words of its message. */
const BROKEN: Readonly<Record<string, [field: string, message: RegExp]>> = {
  'ipam-as-plugin.yaml': ['spec.config.plugins[0].type', /is an IPAM plugin/],
  'macvlan-no-ranges.yaml': ['spec.config.ipam.ranges', /host-local needs at least one range$/],
  'old-cniversion.yaml': ['spec.config.cniVersion', /"0\.2\.0" is not a supported CNI version/],
  'overlay-prefix-dotdot.yaml': ['spec.etcdPrefix', /default prefix of OverlayNetwork "blue"/],
  'pod-broken-json.yaml': ['metadata.annotations[k8s.v1.cni.cncf.io/networks]', /not valid JSON/],
  'pod-default-route-ips.yaml': [
    'metadata.annotations[k8s.v1.cni.cncf.io/networks][0].ips[0]',
    /whole IPv4 address space/,
  ],
  'pod-gateway-unspecified.yaml': [
    'spec.template.metadata.annotations[k8s.v1.cni.cncf.io/networks][0].default-route[0]',
    /unspecified address/,
  ],
  'pod-multicast-mac.yaml': [
    'spec.template.metadata.annotations[k8s.v1.cni.cncf.io/networks][0].mac',
    /multicast/,
  ],
  'range-outside-subnet.yaml': [
    'spec.config.ipam.rangeStart',
    /not inside subnet 192\.168\.1\.0\/24/,
  ],
  'subnet-host-bits.yaml': ['spec.config.ipam.ranges[0][0].subnet', /has host bits set/],
  'trailing-comma.yaml': ['spec.config', /trailing comma/],
  'type-is-a-path.yaml': ['spec.config.type', /plain binary name/],
  'vlan-no-master.yaml': ['spec.config.master', /is required/],
};

describe('plexus validate on real-world styles', () => {
  it('reports no error on any valid manifest, and checks every object in them', async () => {
    const { code, results } = await validate(validDir);
    const withErrors = results.filter((r) => r.errors.length > 0);
    expect(withErrors.map((r) => [r.file, r.name, r.errors])).toEqual([]);
    expect(code).toBe(0);
    // Every document of a checked kind was read, including those after a
    // multi-line single-quoted value (a reader that ran past `---` loses them).
    const names = results.map((r) => `${r.kind}/${r.name}`).sort();
    expect(names).toEqual(
      [
        'CronJob/nightly',
        'Deployment/wb-client',
        'NetworkAttachmentDefinition/antrea-ippool',
        'NetworkAttachmentDefinition/antrea-vlan100',
        'NetworkAttachmentDefinition/bond-net1',
        'NetworkAttachmentDefinition/br1-vlan100',
        'NetworkAttachmentDefinition/br10',
        'NetworkAttachmentDefinition/bridge-portmap',
        'NetworkAttachmentDefinition/calico-ipam',
        'NetworkAttachmentDefinition/calico-second',
        'NetworkAttachmentDefinition/gw-outside',
        'NetworkAttachmentDefinition/ipvlan-whereabouts',
        'NetworkAttachmentDefinition/l2-network',
        'NetworkAttachmentDefinition/macvlan-conf',
        'NetworkAttachmentDefinition/macvlan-noversion',
        'NetworkAttachmentDefinition/macvlan-shallow',
        'NetworkAttachmentDefinition/macvlan-spiderpool',
        'NetworkAttachmentDefinition/ovs-br1-vlan100',
        'NetworkAttachmentDefinition/sriov-l2',
        'NetworkAttachmentDefinition/sriov-net1',
        'NetworkAttachmentDefinition/static-by-pod',
        'NetworkAttachmentDefinition/static-caps',
        'NetworkAttachmentDefinition/whereabouts-conf',
        'Pod/bonded',
        'Pod/samplepod',
        'Pod/two-macvlans',
        'StatefulSet/db',
      ].sort(),
    );
  });

  it('warns, without an error, where a real-world config is only doubtful', async () => {
    const { results } = await validate(validDir);
    const warned = results.flatMap((r) => r.warnings.map((w) => `${r.name}: ${w.field}`));
    expect(warned.sort()).toEqual([
      'antrea-vlan100: spec.config.ipam.ranges',
      'calico-second: spec.config.ipam.subnet',
      'gw-outside: spec.config.ipam.gateway',
      'macvlan-noversion: spec.config.cniVersion',
    ]);
  });

  it('reports the expected error on each truly broken manifest', async () => {
    const files = readdirSync(brokenDir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(Object.keys(BROKEN).sort());
    const { code, results } = await validate(brokenDir);
    expect(code).toBe(1);
    const missed: string[] = [];
    for (const [file, [field, message]] of Object.entries(BROKEN)) {
      const result = results.filter((r) => r.file.endsWith(`/${file}`));
      const errors = result.flatMap((r) => r.errors);
      if (!errors.some((e) => e.field === field && message.test(e.message)))
        missed.push(`${file}: wanted ${field} ${message}, got ${JSON.stringify(errors)}`);
      if (errors.length !== 1) missed.push(`${file}: ${errors.length} errors, wanted exactly 1`);
    }
    expect(missed).toEqual([]);
  });
});

const oracleMissing = yamlOracleMissing();

describe.skipIf(oracleMissing !== undefined)(
  `kubectl reads the real-world corpus as plexus validate does${oracleMissing === undefined ? '' : ` (skipped: needs ${oracleMissing})`}`,
  () => {
    let bin = '';
    beforeAll(async () => {
      bin = await yamlOracle();
    }, 600_000);

    it('every file, without an error, to the same documents', () => {
      const files = [...yamlFiles(validDir), ...yamlFiles(brokenDir)];
      const kubectl = readWithOracle(bin, files);
      files.forEach((file, i) => {
        expect(kubectl[i]?.error, file).toBeNull();
        const ours = readDocuments(readFileSync(file), READ_LIMITS);
        expect(
          ours.map((d) => d.problem?.message),
          file,
        ).toEqual(ours.map(() => undefined));
        expect(
          ours.map((d) => d.value),
          file,
        ).toEqual(kubectl[i]?.documents);
      });
    });
  },
);
