// The setup scripts' decisions, on a PATH of stand-ins (id, dpkg-query,
// apt-get, sudo, go) that record what they were asked: root without sudo, a user
// with sudo, a user without it, apt-get failing, no Debian, no or old Go. The real
// install runs in .ci/run on a fresh machine.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../devcluster/proc.ts';

const PACKAGES_SCRIPT = fileURLToPath(new URL('./install-debian-packages.sh', import.meta.url));
const SETUP_SCRIPT = fileURLToPath(new URL('./setup.sh', import.meta.url));
const ALL =
  'iproute2 iptables iputils-ping containernetworking-plugins openssl ca-certificates procps util-linux';

const root = mkdtempSync(join(tmpdir(), 'plexus-setup-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const which = (cmd: string): string => execFileSync('which', [cmd], { encoding: 'utf8' }).trim();
const BASH = which('bash');

const STANDINS: Record<string, string> = {
  id: 'echo "$FAKE_UID"',
  'dpkg-query': `for p in $FAKE_INSTALLED; do [[ "$p" == "\${@: -1}" ]] && { echo "install ok installed"; exit 0; }; done; echo "dpkg-query: no packages found matching \${@: -1}" >&2; exit 1`,
  'apt-get': 'echo "apt-get $*" >>"$FAKE_LOG"; exit "${FAKE_APT_RC:-0}"',
  sudo: 'echo "sudo $*" >>"$FAKE_LOG"; exec "$@"',
  go: 'echo "$FAKE_GO_VERSION"',
};

interface Machine {
  uid: number;
  installed: string;
  has: string[];
  aptRc?: number;
  goVersion?: string;
}

let n = 0;
/** A bin dir with the stand-ins named in `has` plus the real tools the scripts use. */
function machine(m: Machine): { env: NodeJS.ProcessEnv; log: string } {
  const dir = join(root, `m${n++}`);
  mkdirSync(dir);
  for (const cmd of m.has) {
    const path = join(dir, cmd);
    writeFileSync(path, `#!${BASH}\n${STANDINS[cmd] ?? ''}\n`);
    chmodSync(path, 0o755);
  }
  for (const real of ['env', 'dirname', 'sed']) symlinkSync(which(real), join(dir, real));
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  const env: NodeJS.ProcessEnv = {
    PATH: dir,
    HOME: dir,
    FAKE_UID: String(m.uid),
    FAKE_INSTALLED: m.installed,
    FAKE_LOG: log,
    FAKE_APT_RC: String(m.aptRc ?? 0),
    FAKE_GO_VERSION: m.goVersion ?? '',
  };
  return { env, log };
}

const calls = (log: string): string[] => readFileSync(log, 'utf8').split('\n').filter(Boolean);
const DEBIAN = ['id', 'dpkg-query', 'apt-get'];
const INSTALL = 'install -y -qq --no-install-recommends iptables procps';
const SOME_MISSING = ALL.replace('iptables ', '').replace('procps ', '');

describe('install-debian-packages.sh', () => {
  it('changes nothing when every package is installed', async () => {
    const m = machine({ uid: 1000, installed: ALL, has: DEBIAN });
    const r = await run(BASH, [PACKAGES_SCRIPT], { env: m.env });
    expect(r.stderr).toContain('[setup] Debian packages present');
    expect(calls(m.log)).toEqual([]);
  });

  it('as root without sudo: runs apt-get itself, for the missing packages only', async () => {
    const m = machine({ uid: 0, installed: SOME_MISSING, has: DEBIAN });
    const r = await run(BASH, [PACKAGES_SCRIPT], { env: m.env });
    expect(calls(m.log)).toEqual(['apt-get update -qq', `apt-get ${INSTALL}`]);
    expect(r.stderr).toContain('[setup] installed: iptables procps');
  });

  it('as a user with sudo: runs only apt-get through sudo', async () => {
    const m = machine({ uid: 1000, installed: SOME_MISSING, has: [...DEBIAN, 'sudo'] });
    const r = await run(BASH, [PACKAGES_SCRIPT], { env: m.env });
    expect(calls(m.log)).toEqual([
      'sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq',
      'apt-get update -qq',
      `sudo env DEBIAN_FRONTEND=noninteractive apt-get ${INSTALL}`,
      `apt-get ${INSTALL}`,
    ]);
    expect(r.stderr).toContain('not root: installing the Debian packages through sudo');
  });

  it('as a user without sudo: stops, names the packages and says how to go on', async () => {
    const m = machine({ uid: 1000, installed: SOME_MISSING, has: DEBIAN });
    const r = await run(BASH, [PACKAGES_SCRIPT], { env: m.env, allowFail: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing Debian packages: iptables procps');
    expect(r.stderr).toContain('sudo is not installed');
    expect(r.stderr).toContain("su -c 'apt-get update && apt-get install -y iptables procps'");
    expect(calls(m.log)).toEqual([]);
  });

  it('reports an apt-get failure with the packages still missing', async () => {
    const m = machine({ uid: 0, installed: SOME_MISSING, has: DEBIAN, aptRc: 100 });
    const r = await run(BASH, [PACKAGES_SCRIPT], { env: m.env, allowFail: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'apt-get failed (see above); install these packages and run the setup again: iptables procps',
    );
  });

  it('says it knows Debian only when there is no dpkg-query or apt-get', async () => {
    const m = machine({ uid: 0, installed: '', has: ['id'] });
    const r = await run(BASH, [PACKAGES_SCRIPT], { env: m.env, allowFail: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('this setup knows Debian (and Ubuntu) only');
    expect(r.stderr).toContain(`Install the equivalents of these Debian packages yourself: ${ALL}`);
  });
});

describe('setup.sh', () => {
  it('stops before building when Go is missing, and says where to get it', async () => {
    const m = machine({ uid: 0, installed: ALL, has: DEBIAN });
    const r = await run(BASH, [SETUP_SCRIPT], { env: m.env, allowFail: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /Go is not on PATH\. Install Go 1\.26 or later from https:\/\/go\.dev\/dl/,
    );
  });

  it('stops before building when Go is too old for the pinned modules', async () => {
    const m = machine({ uid: 0, installed: ALL, has: [...DEBIAN, 'go'], goVersion: 'go1.24.4' });
    const r = await run(BASH, [SETUP_SCRIPT], { env: m.env, allowFail: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('go1.24.4 found; the builds need Go 1.26 or later');
    expect(r.stdout).toBe('');
  });
});
