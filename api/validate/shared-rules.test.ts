// One rule, one verdict, one wording: the rules api/common holds give the same
// answer wherever they are used (pod annotations, NAD configs, flannel configs).
import { describe, expect, it } from 'vitest';
import { checkNadConfig } from '../cni/nad-config.ts';
import { parseNetworkSelection } from '../npwg/network-selection.ts';
import { parseNetworkStatus } from '../npwg/network-status-reader.ts';
import { parseFlannelNetworkConfig } from '../overlay/flannel-config.ts';

const annotation = (element: Record<string, unknown>) =>
  parseNetworkSelection(JSON.stringify([{ name: 'blue', ...element }]), { podNamespace: 'ns' })
    .findings;
const nadPlugin = (plugin: Record<string, unknown>) =>
  checkNadConfig(
    JSON.stringify({
      cniVersion: '1.0.0',
      plugins: [{ type: 'ptp', ipam: { type: 'dhcp' } }, plugin],
    }),
    { nadName: 'n' },
  ).findings;
const messages = (findings: { message: string; severity: string }[]) =>
  findings.map((f) => `${f.severity}: ${f.message}`);

describe('the bandwidth rule', () => {
  it('refuses an explicit zero rate in a pod annotation and in a NAD alike', () => {
    const pod = annotation({ bandwidth: { egressRate: 0 } });
    const nad = nadPlugin({ type: 'bandwidth', egressRate: 0 });
    expect(messages(pod)).toEqual(messages(nad));
    expect(pod).toMatchObject([
      { severity: 'error', message: expect.stringMatching(/zero egress rate sets no limit/) },
    ]);
  });
  it('needs a burst for a rate and a rate for a burst, in both', () => {
    const pod = annotation({ bandwidth: { ingressRate: 1000, egressBurst: 10 } });
    const nad = nadPlugin({ type: 'bandwidth', ingressRate: 1000, egressBurst: 10 });
    expect(messages(pod)).toEqual(messages(nad));
    expect(pod.map((f) => f.field.replace(/.*\./, ''))).toEqual(['ingressRate', 'egressBurst']);
  });
  it('caps bursts below 4 GiB in both', () => {
    const big = { ingressRate: 1, ingressBurst: 8 * 4294967295 };
    expect(messages(annotation({ bandwidth: big }))).toEqual(
      messages(nadPlugin({ type: 'bandwidth', ...big })),
    );
    expect(messages(annotation({ bandwidth: big }))[0]).toMatch(/4 GiB/);
  });
});

describe('the MAC rule', () => {
  it('gives the same verdict and words for a pod annotation and a plugin', () => {
    for (const mac of ['01:00:5e:00:00:01', '00:00:00:00:00:00', 'nope']) {
      const pod = annotation({ mac });
      const nad = nadPlugin({ type: 'tuning', mac });
      expect(messages(pod), mac).toEqual(messages(nad));
      expect(pod[0]?.severity, mac).toBe('error');
    }
    expect(annotation({ mac: '02:00:00:00:00:01' })).toEqual([]);
    expect(nadPlugin({ type: 'tuning', mac: '02:00:00:00:00:01' })).toEqual([]);
  });
});

describe('JSON syntax errors', () => {
  it('name the line and column wherever JSON is parsed', () => {
    const bad = '[\n  {"name": "a",}\n]';
    const where = /\(line 2, column 16\)$/;
    expect(parseNetworkSelection(bad, { podNamespace: 'ns' }).findings[0]?.message).toMatch(where);
    expect(parseNetworkStatus(bad).findings[0]?.message).toMatch(where);
    expect(checkNadConfig(bad, { nadName: 'n' }).findings[0]?.message).toMatch(where);
    expect(parseFlannelNetworkConfig(bad).findings[0]?.message).toMatch(where);
  });
});

describe('type errors', () => {
  it('use one phrasing in every folder', () => {
    const phrasing = /^must be .+ \(got (a|an|null) ?[a-z]*\)$/;
    expect(annotation({ interface: 5 })[0]?.message).toMatch(phrasing);
    expect(nadPlugin({ type: 'tuning', mtu: 'x' })[0]?.message).toMatch(phrasing);
    expect(parseNetworkStatus('[{"name": 5, "default": true}]').findings[0]?.message).toMatch(
      phrasing,
    );
    expect(
      parseFlannelNetworkConfig('{"Network": "10.0.0.0/16", "Backend": 5}').findings[0]?.message,
    ).toMatch(phrasing);
  });
});

describe('user values in messages', () => {
  it('are escaped and cut short everywhere', () => {
    const hostile = `x\n\u001b[31m${'y'.repeat(500)}`;
    const all = [
      ...annotation({ mac: hostile }),
      ...nadPlugin({ type: 'tuning', mac: hostile }),
      ...parseNetworkSelection(hostile.replace(/\n/g, ''), { podNamespace: 'ns' }).findings,
    ];
    expect(all.length).toBeGreaterThan(0);
    for (const f of all) {
      const text = `${f.message} ${f.fix ?? ''}`;
      expect(text.includes('\n') || text.includes('\u001b')).toBe(false);
      expect(f.message.length).toBeLessThan(300);
    }
  });
});
