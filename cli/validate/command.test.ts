import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../main.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const testdata = join(here, 'testdata');

async function run(args: string[], stdinText = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  stdin.end(stdinText);
  const code = await runCli(args, { stdout, stderr, stdin });
  return { code, out, err };
}

interface JsonResult {
  file: string;
  document: number;
  kind: string;
  namespace: string;
  name: string;
  errors: { field: string; message: string; fix?: string }[];
  warnings: { field: string; message: string; fix?: string }[];
}

describe('plexus validate', () => {
  it('passes the examples with exit 0', async () => {
    const r = await run(['validate', join(root, 'examples')]);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/0 error\(s\), 0 warning\(s\)/);
    expect(r.code).toBe(0);
  });

  it('reports every bad manifest in a folder, recursively, with exit 1', async () => {
    const r = await run(['validate', '--output', 'json', join(testdata, 'bad')]);
    expect(r.code).toBe(1);
    const results = (JSON.parse(r.out) as { results: JsonResult[] }).results;
    const find = (kind: string, name: string) =>
      results.find((x) => x.kind === kind && x.name === name);

    // Interface collision with a generated name, by position as Multus counts.
    const collide = find('Pod', 'collide');
    expect(collide?.errors.map((e) => e.field)).toContain(
      'metadata.annotations[k8s.v1.cni.cncf.io/networks][0].interface',
    );
    // CronJob pod template: the path runs through jobTemplate.
    const nightly = find('CronJob', 'nightly');
    expect(nightly?.errors.map((e) => e.field)).toContain(
      'spec.jobTemplate.spec.template.metadata.annotations[k8s.v1.cni.cncf.io/networks][0].mac',
    );
    expect(nightly?.errors[0]?.message).toMatch(/multicast/i);
    // Unknown kinds are skipped silently.
    expect(results.some((x) => x.kind === 'ConfigMap')).toBe(false);
    // The good NAD in the same file has nothing to say.
    expect(find('NetworkAttachmentDefinition', 'macvlan-conf')?.errors).toEqual([]);
    // Nested directory: broken JSON config, range outside its subnet.
    expect(find('NetworkAttachmentDefinition', 'broken-json')?.errors[0]?.field).toBe(
      'spec.config',
    );
    expect(
      find('NetworkAttachmentDefinition', 'out-of-range')?.errors.map((e) => e.field),
    ).toContain('spec.config.ipam.ranges[0][0].rangeStart');
    // A malformed YAML document is an error for that document only; the next one is still checked.
    const malformed = results.find((x) => x.file.endsWith('nads.yaml') && x.document === 3);
    expect(malformed?.errors[0]?.message).toMatch(/malformed/);
    const crooked = find('OverlayNetwork', 'crooked');
    // The fix is its own field, not folded into the message.
    const hostBits = crooked?.errors.find((e) => e.field === 'spec.network');
    expect(hostBits?.message).toMatch(/host bits/);
    expect(hostBits?.message).not.toMatch(/fix:/);
    expect(hostBits?.fix).toContain('173.17.0.0/16');
    // List objects are expanded; overlap and duplicate VNI name the other object.
    const orange = find('OverlayNetwork', 'orange');
    const red = find('OverlayNetwork', 'red');
    const all = [...(orange?.errors ?? []), ...(red?.errors ?? [])];
    expect(all.some((e) => e.field === 'spec.network' && /overlap/i.test(e.message))).toBe(true);
    expect(
      all.some((e) => e.field === 'spec.backend.vni' && /"(red|orange)"/.test(e.message)),
    ).toBe(true);
    // Non-manifest files are not read.
    expect(results.some((x) => x.file.endsWith('.txt'))).toBe(false);
  });

  it('prints one text line per finding in the documented format', async () => {
    const r = await run(['validate', join(testdata, 'bad', 'pods.yaml')]);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(
        /^\S+:\d+ [A-Za-z]+\/([a-z0-9-]+\/)?[a-z0-9.-]+: (error|warning): \S+: .+$/,
      );
    }
    expect(
      lines.some((l) =>
        l.includes(
          'pods.yaml:3 CronJob/default/nightly: error: spec.jobTemplate.spec.template.metadata.annotations[k8s.v1.cni.cncf.io/networks][0].mac: ',
        ),
      ),
    ).toBe(true);
  });

  it('warns about a missing NAD, and fails with --strict-refs', async () => {
    const loose = await run(['validate', '-o', 'json', join(testdata, 'refs')]);
    expect(loose.code).toBe(0);
    const w = (JSON.parse(loose.out) as { results: JsonResult[] }).results[0];
    expect(w?.warnings[0]?.field).toBe('metadata.annotations[k8s.v1.cni.cncf.io/networks][0]');
    expect(w?.warnings[0]?.message).toContain('apps/missing-nad');
    const strict = await run(['validate', '--strict-refs', '-o', 'json', join(testdata, 'refs')]);
    expect(strict.code).toBe(1);
    expect(
      (JSON.parse(strict.out) as { results: JsonResult[] }).results[0]?.errors[0]?.message,
    ).toContain('apps/missing-nad');
  });

  it('resolves references to NADs generated from OverlayNetworks in the set', async () => {
    const yaml = [
      'apiVersion: plexus.dev/v1alpha1',
      'kind: OverlayNetwork',
      'metadata: {name: blue}',
      'spec: {network: 173.17.0.0/16, backend: {type: vxlan, vni: 2}, attachment: {namespaces: [web]}}',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p, namespace: web, annotations: {k8s.v1.cni.cncf.io/networks: blue}}',
      'spec: {containers: [{name: a, image: pause}]}',
    ].join('\n');
    const r = await run(['validate', '--strict-refs', '-'], yaml);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
    const other = await run(
      ['validate', '--strict-refs', '-'],
      yaml.replace('namespace: web', 'namespace: other'),
    );
    expect(other.code).toBe(1);
    expect(other.out).toContain('other/blue');
  });

  it('reads stdin, and names it <stdin>', async () => {
    const r = await run(
      ['validate', '-'],
      'apiVersion: v1\nkind: Pod\nmetadata: {name: x, annotations: {k8s.v1.cni.cncf.io/networks: "a,,b"}}\n',
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^<stdin>:1 Pod\/default\/x: error: metadata\.annotations\[k8s\.v1\.cni\.cncf\.io\/networks\]/,
    );
  });

  it('exits 2 on usage and I/O errors', async () => {
    expect((await run(['validate'])).code).toBe(2);
    expect((await run(['validate', '--output', 'xml', 'examples'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    const missing = await run(['validate', join(testdata, 'does-not-exist')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file or directory/);
  });

  it('works as the installed binary under Node 24, including stdin', () => {
    const bin = join(root, 'cli', 'plexus.ts');
    const ok = spawnSync(process.execPath, [bin, 'validate', join(root, 'examples')], {
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, 'validate', '-'], {
      input:
        'apiVersion: v1\nkind: Pod\nmetadata: {name: x, annotations: {k8s.v1.cni.cncf.io/networks: "Bad_Name"}}\n',
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('[0].name');
    const usage = spawnSync(process.execPath, [bin, 'validate', '--nope'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
  });
});
