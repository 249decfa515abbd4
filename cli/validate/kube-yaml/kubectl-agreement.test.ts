// Differential test: the manifest reader must read every file of a corpus of
// tricky YAML exactly as kubectl does (same documents, same values; an error
// wherever kubectl fails). The reference is the real thing: our Go oracle on
// k8s.io/apimachinery + sigs.k8s.io/yaml, and kubectl itself where it is cached.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { READ_LIMITS } from '../read-manifests.ts';
import { readDocuments, type ReadDocument } from './index.ts';
import {
  cachedKubectl,
  readWithOracle,
  yamlOracle,
  yamlOracleMissing,
  type OracleResult,
} from '../testing/yaml-oracle.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const corpusDir = join(here, '..', 'testdata', 'yaml-corpus');

/** Where we knowingly read differently from kubectl, and why. Each must still differ. */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'utf16bom.yaml':
    'kubectl decodes UTF-16 and then reads only the first document; we report the file as not UTF-8',
  'deep1500.yaml': 'we stop at 1,000 levels of nesting; go-yaml goes to 10,000',
  'nel.yaml': 'go-yaml treats U+0085 (NEL) as a line break, js-yaml as a character',
  'ls.yaml': 'go-yaml treats U+2028 (line separator) as a line break, js-yaml as a character',
  'complex-keys.yaml': 'a list as a map key: go-yaml fails, js-yaml makes a string of it',
  'explicit-key.yaml': 'a list as a map key: go-yaml fails, js-yaml makes a string of it',
  'empty-key2.yaml': 'an empty (null) map key: sigs.k8s.io/yaml fails, js-yaml reads "null"',
  'escapes.yaml': 'the escape \\/ in double quotes: go-yaml v2 fails, js-yaml reads "/"',
  'esc-slash.yaml': 'the escape \\/ in double quotes: go-yaml v2 fails, js-yaml reads "/"',
  'tab-seq.yaml': 'a tab after "-": go-yaml fails, js-yaml accepts it',
  'merge-dup.yaml':
    'a key repeated around a merge key: js-yaml keeps a repeated key at its first position',
  'merge-int-key.yaml':
    'a merge key beside a key that looks like an integer: JavaScript lists such keys first, so the order of the two is lost',
  'merge-seq-of-maps-alias.yaml':
    'an alias to a list of maps as a merge value: go-yaml fails, we merge the maps',
};

function ours(file: string): { values: unknown[]; problems: string[]; docs: ReadDocument[] } {
  const docs = readDocuments(readFileSync(file), READ_LIMITS);
  return {
    docs,
    values: docs.filter((d) => d.problem === undefined).map((d) => d.value),
    problems: docs.flatMap((d) => (d.problem === undefined ? [] : [d.problem.message])),
  };
}

/** Whether we read `file` as the oracle did: same values, or an error where kubectl failed
 * (the documents kubectl read before failing must match ours). */
function agrees(file: string, want: OracleResult): boolean {
  const got = ours(file);
  const same = (a: unknown, b: unknown) => {
    try {
      expect(a).toEqual(b);
      return true;
    } catch {
      return false;
    }
  };
  if (want.error !== null) {
    return (
      got.problems.length > 0 && same(got.values.slice(0, want.documents.length), want.documents)
    );
  }
  return got.problems.length === 0 && same(got.values, want.documents);
}

function corpusFiles(): string[] {
  const own = readdirSync(corpusDir).map((f) => join(corpusDir, f));
  // Our own manifests are part of the corpus too.
  const more = [
    'examples',
    'cli/validate/testdata/bad',
    'cli/validate/testdata/bad/nested',
    'cli/validate/testdata/refs',
  ].flatMap((d) =>
    readdirSync(join(root, d))
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .map((f) => join(root, d, f)),
  );
  return [...own, ...more].sort();
}

/** A seeded generator, so a failure names a scalar that reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Plain scalars that exercise go-yaml's resolver (numbers in every base, signs,
 * underscores, dots, exponents, YAML 1.1 words), each safe as a plain value. */
function scalarSamples(count: number): string[] {
  const rnd = random(42);
  const alphabet = '0123456789012345678901234567890._+-eExXoObB_abcdfyYnN~:';
  const words = ['yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '<<'];
  const out = [...words];
  while (out.length < count) {
    const len = 1 + Math.floor(rnd() * 9);
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    // Keep to text YAML reads as one plain scalar: no indicator first, no ": " or " #".
    if (/^[-?:,[\]{}#&*!|>'"%@`~]/.test(s) && !/^-[0-9.]/.test(s)) continue;
    if (/:$|: | #/.test(s)) continue;
    out.push(s);
  }
  return out;
}

const oracleMissing = yamlOracleMissing();

describe.skipIf(oracleMissing !== undefined)(
  `the manifest reader agrees with kubectl's (go-yaml) reading${oracleMissing === undefined ? '' : ` (skipped: needs ${oracleMissing})`}`,
  () => {
    let bin = '';
    // The first build fetches k8s.io/apimachinery through the Go module proxy.
    beforeAll(async () => {
      bin = await yamlOracle();
    }, 600_000);

    it('on every file of the corpus, apart from the known differences', () => {
      const files = corpusFiles();
      const results = readWithOracle(bin, files);
      const disagree = files.filter((f, i) => {
        const name = f.slice(corpusDir.length + 1);
        return KNOWN_DIFFERENCES[name] === undefined && !agrees(f, results[i] as OracleResult);
      });
      expect(disagree.map((f) => f.slice(root.length + 1))).toEqual([]);
      expect(files.length).toBeGreaterThan(120);
    });

    it('still differs on each known difference (so the list stays true)', () => {
      const names = Object.keys(KNOWN_DIFFERENCES);
      const results = readWithOracle(
        bin,
        names.map((n) => join(corpusDir, n)),
      );
      const nowAgree = names.filter((n, i) =>
        agrees(join(corpusDir, n), results[i] as OracleResult),
      );
      expect(nowAgree).toEqual([]);
    });

    it('resolves 3,000 generated plain scalars to the same values', () => {
      const samples = scalarSamples(3000);
      const dir = mkdtempSync(join(tmpdir(), 'plexus-scalars-'));
      const file = join(dir, 'scalars.yaml');
      writeFileSync(file, samples.map((s, i) => `k${i}: ${s}\n`).join(''));
      const [want] = readWithOracle(bin, [file]);
      expect(want?.error).toBeNull();
      const got = ours(file);
      expect(got.problems).toEqual([]);
      const wantDoc = want?.documents[0] as Record<string, unknown>;
      const gotDoc = got.values[0] as Record<string, unknown>;
      const wrong = samples
        .map((s, i) => ({ scalar: s, kubectl: wantDoc[`k${i}`], plexus: gotDoc[`k${i}`] }))
        .filter((x) => !Object.is(x.kubectl, x.plexus));
      expect(wrong).toEqual([]);
    });

    it('reads the real-world NAD style (multi-line single quotes, shallow closing line) and the documents after it', () => {
      const file = join(corpusDir, 'shallow-single.yaml');
      const [want] = readWithOracle(bin, [file]);
      expect(want?.documents).toHaveLength(2);
      expect(ours(file).values).toEqual(want?.documents);
    });
  },
);

const kubectl = await cachedKubectl();
const kubectlMissing = 'missing' in kubectl ? kubectl.missing : undefined;

/** Manifests kubectl itself can decode offline (`annotate --local`): custom
 * resources only, since built-in kinds are decoded into typed objects. */
const KUBECTL_MANIFESTS: readonly string[] = [
  // The most common NAD style in the wild: multi-line single quotes, closing line at the key's indent.
  [
    'apiVersion: k8s.cni.cncf.io/v1',
    'kind: NetworkAttachmentDefinition',
    'metadata:',
    '  name: macvlan-conf',
    'spec:',
    "  config: '{",
    '      "cniVersion": "0.3.1",',
    '      "type": "macvlan",',
    '      "master": "eth0",',
    '      "ipam": { "type": "host-local", "subnet": "192.168.1.0/24" }',
    "  }'",
    '---',
    'apiVersion: k8s.cni.cncf.io/v1',
    'kind: NetworkAttachmentDefinition',
    'metadata: {name: second}',
    'spec:',
    "  config: '{",
    '  "cniVersion": "0.3.1", "type": "bridge", "name": "it\'\'s"',
    "}'",
  ].join('\n'),
  // Double quotes spanning lines, and a block scalar.
  [
    'apiVersion: k8s.cni.cncf.io/v1',
    'kind: NetworkAttachmentDefinition',
    'metadata: {name: dq}',
    'spec:',
    '  config: "{',
    '    \\"type\\": \\"ipvlan\\"',
    '  }"',
    '---',
    'apiVersion: k8s.cni.cncf.io/v1',
    'kind: NetworkAttachmentDefinition',
    'metadata: {name: block}',
    'spec:',
    '  config: |',
    '    {"type": "host-device", "device": "eth2"}',
  ].join('\n'),
  // Merge keys and YAML 1.1 values, as kubectl sends them.
  [
    'apiVersion: plexus.dev/v1alpha1',
    'kind: OverlayNetwork',
    'metadata: {name: m}',
    'spec:',
    '  base: &b {vni: 010, port: 0x2118, on: yes, directRouting: off, mtu: 1_450}',
    '  backend: {<<: *b, type: vxlan, vni: 7}',
    '  early: {vni: 7, <<: *b}',
  ].join('\n'),
];

describe.skipIf(kubectlMissing !== undefined)(
  `the manifest reader agrees with kubectl itself${kubectlMissing === undefined ? '' : ` (skipped: needs ${kubectlMissing})`}`,
  () => {
    it('on NADs in the styles found in the wild, merge keys and YAML 1.1 scalars', () => {
      const dir = mkdtempSync(join(tmpdir(), 'plexus-kubectl-'));
      for (const [i, text] of KUBECTL_MANIFESTS.entries()) {
        const file = join(dir, `m${i}.yaml`);
        writeFileSync(file, `${text}\n`);
        const run = spawnSync(
          'path' in kubectl ? kubectl.path : 'kubectl',
          ['annotate', '--local', '-f', file, 'probe=1', '-o', 'json'],
          { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' } },
        );
        expect(run.status, run.stderr).toBe(0);
        const got = ours(file);
        expect(got.problems).toEqual([]);
        expect(got.values, text).toEqual(kubectlObjects(run.stdout));
      }
    });
  },
);

/** kubectl's -o json output (pretty objects one after another), without our probe annotation. */
function kubectlObjects(stdout: string): unknown[] {
  const items = JSON.parse(`[${stdout.trim().replaceAll('\n}\n{', '\n},\n{')}]`) as Record<
    string,
    unknown
  >[];
  for (const item of items) {
    const meta = item['metadata'] as Record<string, unknown>;
    const annotations = meta['annotations'] as Record<string, unknown>;
    delete annotations['probe'];
    if (Object.keys(annotations).length === 0) delete meta['annotations'];
  }
  return items;
}
