// Differential test: parseIp, parseCidr and formatIp must read and write
// addresses exactly as Go's net/netip does (ParseAddr, ParsePrefix, String),
// zones apart (we refuse them, as net.ParseIP does). The reference is Go
// itself: api/testing/go/netip-oracle, built and cached by scripts/build-go.sh,
// run once over a seeded corpus of generated and hand-picked strings.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveGoBuild } from '../../devcluster/go-builds.ts';
import { formatIp, parseCidr, parseIp } from './ip.ts';

const ORACLE_SOURCE = fileURLToPath(new URL('../testing/go/netip-oracle', import.meta.url));

interface OracleAddr {
  ok: boolean;
  family?: 4 | 6;
  hex?: string;
  zone?: string;
  text?: string;
}
interface OraclePrefix {
  ok: boolean;
  family?: 4 | 6;
  bits?: number;
  hex?: string;
  masked?: string;
}
interface OracleResult {
  addr: OracleAddr;
  prefix: OraclePrefix;
}

/** Forms people write and forms that trip parsers up (the issue's among them). */
const EDGE_CASES: readonly string[] = [
  '::ffff:0x0a.0.0.1',
  '::ffff:010.0.0.1',
  '::1.2.3.4',
  '::ffff:1.2.3.4',
  '::FFFF:1.2.3.4',
  '::ffff:1.2.3.4/96',
  '::ffff:1.2.3.0/120',
  '::ffff:0:1.2.3.4',
  '1:2:3:4:5:6:1.2.3.4',
  '1:2:3:4:5:6:7:1.2.3.4',
  '1:2:3:4:5::1.2.3.4',
  '1:2:3:4:5:6::1.2.3.4',
  '1::1.2.3.4',
  '::1.2.3',
  '::1.2.3.4.5',
  '::256.1.1.1',
  '::01.2.3.4',
  '::a1.2.3.4',
  '::1234.1.2.3',
  '::12345',
  '::ffff',
  'fe80::1%eth0',
  'fe80::1%',
  'fe80::1%eth0/64',
  '::ffff:1.2.3.4%eth0',
  '1.2.3.4%eth0',
  '%eth0',
  '::',
  ':::',
  ':',
  '::1',
  '1::',
  '1:::2',
  '1::2::3',
  ':1::2',
  '1::2:',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7:8::',
  '::1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7::',
  '::2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7',
  '0:0:0:0:0:0:0:0',
  '0000:0000:0000:0000:0000:0000:0000:0001',
  '00000::1',
  'FD00::ABCD',
  '1:0:0:1:0:0:0:1',
  '0:0:1:0:0:1:0:0',
  '1:0:0:0:1:0:0:0',
  '10.0.0.1',
  '0.0.0.0',
  '255.255.255.255',
  '010.0.0.1',
  '0x0a.0.0.1',
  '10.1',
  '10.0.0.256',
  '10.0.0.1.',
  '.10.0.0.1',
  '10..0.1',
  '1.2.3.4 ',
  ' 1.2.3.4',
  '1.2.3.４',
  '10.0.0.0/8',
  '10.0.0.0/08',
  '10.0.0.0/0',
  '10.0.0.0/00',
  '10.0.0.0/32',
  '10.0.0.0/33',
  '10.0.0.0/+8',
  '10.0.0.0/-1',
  '10.0.0.0/',
  '10.0.0.0/8/8',
  '10.0.0.1/24',
  '::/0',
  '::/128',
  '::/129',
  'fd00::/64',
  'fd00::1/64',
  '/8',
  '',
];

/** Text built from the pieces addresses are made of, so most strings are near misses. */
const PIECES = [
  '0',
  '00',
  '1',
  '01',
  '010',
  '10',
  '255',
  '256',
  'ff',
  'FFFF',
  'ffff',
  '0x0a',
  '1234',
  '12345',
  'a',
  'g',
  '.',
  '.',
  ':',
  ':',
  '::',
  '%',
  '%eth0',
  '/',
  '/0',
  '/8',
  '/08',
  '/24',
  '/32',
  '/33',
  '/64',
  '/128',
  '/129',
  '1.2.3.4',
  '::ffff:',
  ' ',
];
const EDIT_CHARS = '0123456789abcdefABCDEFx.:%/ -+g';

/** One random edit (insert, delete or replace a character) of `text`. */
const edited = (text: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.nat(text.length),
      fc.constantFrom(...EDIT_CHARS),
      fc.constantFrom('insert', 'delete', 'replace'),
    )
    .map(([at, c, how]) => {
      const keep = how === 'insert' ? at : at + 1;
      return text.slice(0, at) + (how === 'delete' ? '' : c) + text.slice(keep);
    });

const withPrefix = (ip: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(ip, fc.integer({ min: -1, max: 130 })).map(([a, p]) => `${a}/${p}`);

/** A seeded corpus: valid addresses and prefixes of both families, their near
 * misses (one edit away), the pieces shuffled, and hex/octal/short IPv4 forms. */
function corpus(): string[] {
  const valid = fc.oneof(fc.ipV4(), fc.ipV6());
  const arb = fc.oneof(
    valid,
    withPrefix(valid),
    fc.ipV4Extended(),
    valid.chain(edited),
    withPrefix(valid).chain(edited),
    fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 }).map((p) => p.join('')),
  );
  return [...EDGE_CASES, ...fc.sample(arb, { seed: 20260, numRuns: 30_000 })];
}

/** The address value a hex string of 4 or 16 bytes names. */
const valueOf = (hex: string): bigint => BigInt(`0x${hex}`);

/** What differs between our reading of `s` and Go's, or undefined. */
function addressDifference(s: string, want: OracleAddr): string | undefined {
  const ours = parseIp(s);
  // A zone is valid for netip but refused here, as net.ParseIP (the plugins) refuses it.
  const accepted = want.ok && (want.zone ?? '') === '';
  if ((ours !== undefined) !== accepted)
    return `ParseAddr ${want.ok ? `accepts (zone ${JSON.stringify(want.zone ?? '')})` : 'refuses'} it, parseIp ${ours ? 'accepts' : 'refuses'} it`;
  if (ours === undefined || want.hex === undefined) return undefined;
  if (ours.family !== want.family) return `family ${ours.family}, Go says ${want.family}`;
  if (ours.value !== valueOf(want.hex)) return `value ${ours.value.toString(16)}, Go ${want.hex}`;
  const text = formatIp(ours.value, ours.family);
  if (text !== want.text) return `formatIp gives ${text}, String() gives ${want.text}`;
  return undefined;
}

function prefixDifference(s: string, want: OraclePrefix): string | undefined {
  const ours = parseCidr(s);
  if ((ours !== undefined) !== want.ok)
    return `ParsePrefix ${want.ok ? 'accepts' : 'refuses'} it, parseCidr ${ours ? 'accepts' : 'refuses'} it`;
  if (ours === undefined || want.hex === undefined) return undefined;
  if (ours.family !== want.family) return `family ${ours.family}, Go says ${want.family}`;
  if (ours.prefix !== want.bits) return `prefix ${ours.prefix}, Go ${want.bits}`;
  if (ours.address.value !== valueOf(want.hex)) return `address differs from Go's ${want.hex}`;
  if (ours.canonical !== want.masked) return `canonical ${ours.canonical}, Go ${want.masked}`;
  return undefined;
}

const goMissing =
  process.env['NETIP_ORACLE_BIN'] === undefined &&
  spawnSync('go', ['version'], { encoding: 'utf8' }).status !== 0;

describe.skipIf(goMissing)(
  `IP parsing agrees with Go's net/netip${goMissing ? ' (skipped: needs the Go toolchain, `go` on PATH, to build api/testing/go/netip-oracle, or NETIP_ORACLE_BIN)' : ''}`,
  () => {
    let oracle = '';
    beforeAll(async () => {
      const build = await resolveGoBuild(
        { name: 'netip-oracle', source: ORACLE_SOURCE },
        { progress: () => {} },
      );
      if (build.bin === undefined) throw new Error('netip-oracle: the build gave no binary');
      oracle = build.bin;
    }, 300_000);

    /** Go's reading of every string, from one run of the oracle. */
    function askGo(inputs: readonly string[]): OracleResult[] {
      const run = spawnSync(oracle, [], {
        input: JSON.stringify(inputs),
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      if (run.status !== 0) throw new Error(`netip-oracle failed: ${run.stderr}`);
      const results = JSON.parse(run.stdout) as OracleResult[];
      if (results.length !== inputs.length) throw new Error('netip-oracle: one result per input');
      return results;
    }

    it('on the hand-picked edge cases and 30,000 generated strings', () => {
      const inputs = corpus();
      const results = askGo(inputs);
      const differences: string[] = [];
      inputs.forEach((s, i) => {
        const want = results[i] as OracleResult;
        const a = addressDifference(s, want.addr);
        if (a !== undefined) differences.push(`${JSON.stringify(s)} as an address: ${a}`);
        const p = prefixDifference(s, want.prefix);
        if (p !== undefined) differences.push(`${JSON.stringify(s)} as a prefix: ${p}`);
      });
      expect(differences.slice(0, 20)).toEqual([]);
      // The corpus must exercise both verdicts of both parsers, or it proves little.
      const count = (f: (r: OracleResult) => boolean) => results.filter(f).length;
      expect(count((r) => r.addr.ok && r.addr.family === 4)).toBeGreaterThan(2_000);
      expect(count((r) => r.addr.ok && r.addr.family === 6)).toBeGreaterThan(2_000);
      expect(count((r) => r.prefix.ok)).toBeGreaterThan(2_000);
      expect(count((r) => !r.addr.ok && !r.prefix.ok)).toBeGreaterThan(5_000);
    });
  },
);
