// `plexus validate` run as a real process on hostile input: every case ends
// with a clear finding (exit 1) or one line (exit 2), never a stack trace or a
// hang, and a file of about 200 KB never takes more than 200 MB of memory
// (peak RSS of the child, read by a preloaded helper).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'plexus.ts');
const peakRssHelper = join(here, 'testing', 'peak-rss.ts');
const MiB = 1024 * 1024;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  peakRss: number;
}

/** Runs the plexus binary with a 1 GiB heap ceiling, so a regression dies fast instead of swapping. */
function plexus(args: string[], opts: { input?: string | Buffer; uid?: number } = {}): Run {
  const rssDir = mkdtempSync(join(tmpdir(), 'plexus-rss-'));
  // The child may run as another user, who must still be able to leave its figure.
  chmodSync(rssDir, 0o777);
  const rssFile = join(rssDir, 'rss');
  const run = spawnSync(
    process.execPath,
    ['--max-old-space-size=1024', '--import', peakRssHelper, bin, ...args],
    {
      encoding: 'utf8',
      input: opts.input ?? '',
      timeout: 60_000,
      maxBuffer: 512 * MiB,
      env: { ...process.env, PLEXUS_PEAK_RSS_FILE: rssFile },
      ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid }),
    },
  );
  const peakRss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, peakRss };
}

function expectNoStackTrace(r: Run): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stdout).not.toMatch(/^\s+at /m);
}

function expectOneLineExit2(r: Run, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^plexus: .+\n$/);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
}

const networks = (n: number, name = 'net') =>
  Array.from({ length: n }, (_, i) => `${name}${i}`).join(',');

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-hostile-'));
  // One Pod aliased 999 times in a List: 192 KB that took the previous reader to 4.3 GB
  // (999 stays under its alias-count guard of 1,000).
  const pod = `apiVersion: v1\nkind: List\nitems:\n- &p\n  apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n    annotations:\n      k8s.v1.cni.cncf.io/networks: ${networks(22_000)}\n  spec: {containers: [{name: a, image: pause}]}\n`;
  writeFileSync(file('alias-bomb.yaml'), `${pod}${'- *p\n'.repeat(999)}`);
  const laughs = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++) {
    laughs.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  }
  writeFileSync(file('laughs.yaml'), `${laughs.join('\n')}\n`);
  const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}: 0`).join(', ');
  writeFileSync(file('merge-bomb.yaml'), `a: &a {${keys}}\nl:\n${'- {<<: *a}\n'.repeat(10_000)}`);
  writeFileSync(file('nesting-bomb.yaml'), `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
  // In budget for the reader (60 copies of a 130 KB annotation), but each copy names
  // 22,000 networks: checked once per distinct value, not once per copy.
  writeFileSync(file('aliased-pods.yaml'), `${pod}${'- *p\n'.repeat(60)}`);
  writeFileSync(file('merged-pods.yaml'), `${pod}${'- {<<: *p, kind: Pod}\n'.repeat(60)}`);
  writeFileSync(
    file('many-networks.yaml'),
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    k8s.v1.cni.cncf.io/networks: ${networks(22_000)}\nspec: {containers: [{name: a, image: pause}]}\n`,
  );
});

describe('plexus validate on a ~200 KB hostile file stays under 200 MB', () => {
  const cases: [string, RegExp, number][] = [
    ['alias-bomb.yaml', /expanding its aliases \(\*name\) would make the file larger than/, 1],
    ['laughs.yaml', /expanding its aliases/, 1],
    ['merge-bomb.yaml', /merge keys \(<<\) copy more than 100000 keys/, 1],
    ['nesting-bomb.yaml', /nests deeper than 1000 levels/, 1],
    ['many-networks.yaml', /21900 more finding\(s\) \(0 error\(s\)\) are not listed/, 0],
    ['aliased-pods.yaml', /net99 is not among the validated manifests \(60 more object\(s\)/, 0],
    ['merged-pods.yaml', /net99 is not among the validated manifests \(60 more object\(s\)/, 0],
  ];
  for (const [name, finding, code] of cases) {
    it(name, () => {
      expect(readFileSync(file(name)).length).toBeLessThan(220 * 1024);
      const r = plexus(['validate', file(name)]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stdout).toMatch(finding);
      expectNoStackTrace(r);
      expect(r.peakRss).toBeLessThan(200 * MiB);
    });
  }
});

describe('plexus validate on inputs that used to hang or read without end', () => {
  it('a FIFO given as a path: one line, exit 2, no hang', () => {
    const fifo = file('pipe.yaml');
    spawnSync('mkfifo', [fifo]);
    expectOneLineExit2(
      plexus(['validate', fifo]),
      /it is a FIFO \(named pipe\), not a regular file/,
    );
  });

  it('/dev/zero: one line, exit 2, nothing read', () => {
    const r = plexus(['validate', '/dev/zero']);
    expectOneLineExit2(r, /\/dev\/zero: it is a character device/);
    expect(r.peakRss).toBeLessThan(200 * MiB);
  });

  it('stdin larger than 16 MiB: one line, exit 2, read no further than the cap', () => {
    const r = plexus(['validate', '-'], { input: Buffer.alloc(17 * MiB, 0x61) });
    expectOneLineExit2(r, /^plexus: stdin is larger than 16 MiB/);
  });
});

describe('plexus validate on a 16 MB file', () => {
  it('checks all of it, and names each missing NAD once with the count of pods naming it', () => {
    const pod = (i: number) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  annotations:\n    k8s.v1.cni.cncf.io/networks: macvlan-conf@net1, other/bridge-conf\nspec:\n  containers:\n  - {name: app, image: "registry.example.com/app:1.2.3", args: ["--flag", "value"]}\n---\n`;
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 16 * MiB - 300; i++) {
      parts.push(pod(i));
      size += parts[i]?.length ?? 0;
    }
    writeFileSync(file('big.yaml'), parts.join(''));
    const r = plexus(['validate', file('big.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`default/macvlan-conf is not among .* \\(${parts.length - 1} more object`),
    );
    expect(lines[1]).toMatch(
      new RegExp(`other/bridge-conf is not among .* \\(${parts.length - 1} more`),
    );
    expect(r.stderr).toMatch(new RegExp(`checked ${parts.length} object\\(s\\) in 1 file\\(s\\)`));
    expect(r.peakRss).toBeLessThan(1024 * MiB);
  }, 120_000);

  it('refuses a file over 16 MiB in one line', () => {
    writeFileSync(file('huge.yaml'), Buffer.alloc(16 * MiB + 1, 0x20));
    expectOneLineExit2(plexus(['validate', file('huge.yaml')]), /huge\.yaml is larger than 16 MiB/);
  });
});

/** Whether another user can run `path`: every directory above it searchable by others, the file
 * readable by them (a checkout under a 0700 dir, such as mktemp's, is not). */
function othersCanRead(path: string): boolean {
  for (let p = path; ; p = dirname(p)) {
    const mode = statSync(p).mode;
    if (p === path ? (mode & 0o004) === 0 : (mode & 0o001) === 0) return false;
    if (dirname(p) === p) return true;
  }
}

describe.skipIf(
  process.getuid?.() !== 0 || !othersCanRead(bin) || !othersCanRead(process.execPath),
)(
  'plexus validate on an unreadable directory (run as nobody; needs root to switch user, and a checkout and Node that others can read)',
  () => {
    it('EACCES in the walk: one line, exit 2, no stack trace', () => {
      const top = mkdtempSync(join(tmpdir(), 'plexus-eacces-'));
      chmodSync(top, 0o755);
      mkdirSync(join(top, 'locked'));
      writeFileSync(join(top, 'locked', 'pod.yaml'), 'a: 1\n');
      chmodSync(join(top, 'locked'), 0o000);
      const r = plexus(['validate', top], { uid: 65534 });
      expectOneLineExit2(r, /cannot read directory .*locked: permission denied/);
      const json = plexus(['validate', '-o', 'json', top], { uid: 65534 });
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toEqual({
        error: expect.stringMatching(/permission denied/),
      });
    });
  },
);
