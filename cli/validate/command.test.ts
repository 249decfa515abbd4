import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough, Writable } from 'node:stream';
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

describe('plexus validate exit codes and errors', () => {
  it('takes a bad --cluster-cidr or --service-cidr as a usage error naming the flag', async () => {
    for (const flag of ['--cluster-cidr', '--service-cidr']) {
      const r = await run(['validate', flag, 'garbage', join(root, 'examples')]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`option '${flag} <cidr>' argument 'garbage' is invalid`);
      expect(r.out).toBe('');
    }
    const ok = await run([
      'validate',
      '--cluster-cidr',
      '10.244.0.0/16,fd00::/48',
      join(root, 'examples'),
    ]);
    expect(ok.code).toBe(0);
  });

  it('takes only a DNS-1123 label for -n', async () => {
    for (const ns of ['Bad_NS', 'a.b', '', 'x'.repeat(64)]) {
      const r = await run(['validate', '-n', ns, join(root, 'examples')]);
      expect(r.code, ns).toBe(2);
      expect(r.err).toContain(`option '-n, --namespace <ns>' argument '${ns}' is invalid`);
    }
    expect((await run(['validate', '-n', 'team-a', join(root, 'examples')])).code).toBe(0);
  });

  it('with -o json prints exactly one JSON document on stdout, even for usage and I/O errors', async () => {
    const cases = [
      ['validate', '-o', 'json', '--nope', 'x'],
      ['validate', '--output=json'],
      ['validate', '-o', 'json', '--cluster-cidr', 'garbage', 'x'],
      ['validate', '-o', 'json', join(testdata, 'does-not-exist')],
      ['validate', '-o', 'json', '/dev/null'],
    ];
    for (const args of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      const doc = JSON.parse(r.out) as { error: string };
      expect(Object.keys(doc)).toEqual(['error']);
      expect(doc.error).not.toMatch(/\n/);
      expect(r.err).toMatch(/^plexus: /m);
    }
  });

  it('turns any unexpected exception into one line and exit 2 (not 1, "errors found")', async () => {
    const stdout = new Writable({
      write() {
        throw new Error('disk on fire\n    at somewhere (x.ts:1:1)');
      },
    });
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const stdin = new PassThrough();
    stdin.end();
    const code = await runCli(['validate', join(testdata, 'bad', 'pods.yaml')], {
      stdout,
      stderr,
      stdin,
    });
    expect(code).toBe(2);
    expect(err).toBe('plexus: internal error: disk on fire at somewhere (x.ts:1:1)\n');
  });
});

describe('plexus validate reads manifests as kubectl does', () => {
  const pod = (annotations: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n${annotations}\nspec: {containers: [{name: a, image: pause}]}\n`;

  it('catches a bad annotation behind a << merge key', async () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    <<: &nets {k8s.v1.cni.cncf.io/networks: Bad_Name}\nspec: {containers: [{name: a, image: pause}]}\n`;
    const r = await run(['validate', '-'], text);
    expect(r.code).toBe(1);
    expect(r.out).toContain('metadata.annotations[k8s.v1.cni.cncf.io/networks][0].name');
  });

  it('reads vni: 010 as 8, as kubectl does (so it collides with VNI 8)', async () => {
    const on = (name: string, net: string, vni: string) =>
      `apiVersion: plexus.dev/v1alpha1\nkind: OverlayNetwork\nmetadata: {name: ${name}}\nspec: {network: ${net}, backend: {type: vxlan, vni: ${vni}}}\n`;
    const r = await run(
      ['validate', '-o', 'json', '-'],
      `${on('a', '10.1.0.0/16', '010')}---\n${on('b', '10.2.0.0/16', '8')}`,
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/VNI 8 is already used by OverlayNetwork/);
  });

  it('rejects invalid UTF-8, and names UTF-16 files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexus-utf-'));
    writeFileSync(
      join(dir, 'latin1.yaml'),
      Buffer.from('apiVersion: v1\nkind: Pod\nmetadata: {name: caf\xe9}\n', 'latin1'),
    );
    writeFileSync(
      join(dir, 'utf16.yaml'),
      Buffer.from('\ufeffapiVersion: v1\nkind: Pod\n', 'utf16le'),
    );
    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      `${join(dir, 'latin1.yaml')}:1 (unparsed): error: (document): line 3, column 21: is not UTF-8 text: byte 0xe9 is not valid UTF-8 there; fix: save the file as UTF-8 text (kubectl rejects invalid UTF-8 too)\n` +
        `${join(dir, 'utf16.yaml')}:1 (unparsed): error: (document): is UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8; fix: save the file as UTF-8 text\n`,
    );
  });

  it('accepts the common multi-line NAD style and still checks the documents after it', async () => {
    const nad = [
      'apiVersion: k8s.cni.cncf.io/v1',
      'kind: NetworkAttachmentDefinition',
      'metadata: {name: macvlan-conf}',
      'spec:',
      "  config: '{",
      '      "cniVersion": "0.3.1",',
      '      "type": "macvlan", "master": "eth0", "mode": "bridge",',
      '      "ipam": {"type": "host-local", "subnet": "192.168.1.0/24"}',
      "  }'",
    ].join('\n');
    const r = await run(
      ['validate', '-'],
      `${nad}\n---\n${pod('    k8s.v1.cni.cncf.io/networks: Bad_Name')}`,
    );
    expect(r.out).not.toMatch(/malformed/);
    expect(r.out).toMatch(/^<stdin>:2 Pod\/default\/p: error: .*\[0\]\.name/m);
    expect(r.code).toBe(1);
  });

  it('follows a symlinked manifest inside a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexus-link-'));
    const target = join(mkdtempSync(join(tmpdir(), 'plexus-target-')), 'pod.yaml');
    writeFileSync(target, pod('    k8s.v1.cni.cncf.io/networks: Bad_Name'));
    symlinkSync(target, join(dir, 'pod.yaml'));
    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${join(dir, 'pod.yaml')}:1 Pod/default/p: error:`);
  });

  it('says when nesting is too deep, instead of "malformed YAML"', async () => {
    const r = await run(['validate', '-'], `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      '<stdin>:1 (unparsed): error: (document): nests deeper than 1000 levels; Plexus stops there; fix: no Kubernetes object nests this deep: check for a runaway generator\n',
    );
  });

  it('escapes names and file names, so a manifest cannot forge output lines or colour the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexus-esc-'));
    const name = join(dir, 'evil\n.yaml');
    writeFileSync(
      name,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "x\\nok.yaml:1 Pod/default/fine: error: spec: \\e[31mforged"\n',
    );
    const r = await run(['validate', name]);
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(r.out).not.toContain('\u001b');
    expect(lines[0]).toMatch(
      /^\S+evil\\n\.yaml:1 Pod\/default\/"x\\nok\.yaml:1 .*\\u001b\[31mforged": error: metadata\.name: /,
    );
  });

  it('prints no warning of a YAML library on stderr (as a real process)', () => {
    const bin = join(root, 'cli', 'plexus.ts');
    const r = spawnSync(process.execPath, [bin, 'validate', '-'], {
      input:
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  [a, b]: c\n  ? {x: 1}\n  : d\n',
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('checked 0 object(s) in 1 file(s): 0 error(s), 0 warning(s)\n');
  });
});
