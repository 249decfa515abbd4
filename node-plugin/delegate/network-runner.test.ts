// The delegate runner against small shell-script plugins (real processes, real exec): the
// network's plugins chained as libcni chains them, versions negotiated per plugin, results
// converted between versions, runtimeConfig only for declared capabilities, DEL trying every
// plugin, STATUS and GC only for plugins that speak 1.1.0.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CniFailure } from '../cni/cni-error.ts';
import { NetworkRunner } from './network-runner.ts';
import type { DelegateNetwork } from './network-runner.ts';

let dir: string;
let log: string;

/** A plugin that logs "<COMMAND> <IFNAME> <stdin>" and answers as told. */
function plugin(name: string, versions: string[], add: string, extra = ''): void {
  const path = join(dir, name);
  writeFileSync(
    path,
    `#!/bin/sh
in=$(cat)
printf '%s %s %s\\n' "$CNI_COMMAND" "$CNI_IFNAME" "$in" >> ${log}
v=$(printf '%s' "$in" | grep -o '"cniVersion":"[^"]*"' | head -1 | cut -d'"' -f4)
${extra}
case "$CNI_COMMAND" in
  VERSION) printf '{"cniVersion":"%s","supportedVersions":${JSON.stringify(versions)}}' "$v" ;;
  ADD) printf '${add}' "$v" ;;
esac
`,
  );
  chmodSync(path, 0o755);
}

/** The logged calls as [command, ifname, stdin object]. */
function calls(): [string, string, Record<string, unknown>][] {
  return readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [cmd, ifName, ...rest] = l.split(' ');
      return [
        cmd as string,
        ifName as string,
        JSON.parse(rest.join(' ')) as Record<string, unknown>,
      ];
    });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plexus-runner-'));
  log = join(dir, 'calls.log');
  plugin(
    'p-new',
    ['0.3.1', '0.4.0', '1.0.0', '1.1.0'],
    '{"cniVersion":"%s","interfaces":[{"name":"net1","sandbox":"/ns"}],"ips":[{"address":"10.9.0.2/24","interface":0}]}',
  );
  plugin(
    'p-old',
    ['0.3.1', '0.4.0'],
    '{"cniVersion":"%s","interfaces":[{"name":"net1","sandbox":"/ns"}],"ips":[{"version":"4","address":"10.9.0.2/24","interface":0}],"routes":[{"dst":"0.0.0.0/0"}]}',
    `if [ "$CNI_COMMAND" = DEL ] && [ -e ${dir}/fail-del ]; then printf '{"code":5,"msg":"cannot delete"}'; exit 1; fi`,
  );
  plugin('p-garbage', ['1.0.0'], 'not json %s');
  plugin('p-slow', ['1.0.0'], '{}', 'if [ "$CNI_COMMAND" = ADD ]; then sleep 5; fi');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const at = {
  containerId: 'c1',
  netns: '/var/run/netns/p',
  ifName: 'net1',
  cniArgs: 'K8S_POD_NAME=web',
  capabilityArgs: {
    portMappings: [{ hostPort: 8080, containerPort: 80 }],
    bandwidth: { ingressRate: 1 },
  },
};
const network: DelegateNetwork = {
  name: 'n',
  cniVersion: '1.0.0',
  plugins: [
    { type: 'p-new', capabilities: { portMappings: true } },
    { type: 'p-old', keep: 'me' },
  ],
};
const reset = (): void => writeFileSync(log, '');

describe('NetworkRunner', () => {
  it('chains the plugins of a network with negotiated versions and converted results', async () => {
    reset();
    const runner = new NetworkRunner({ binDirs: [dir] });
    const result = await runner.add(network, at);
    const adds = calls().filter(([c]) => c === 'ADD');
    expect(adds.map(([, , conf]) => [conf.type, conf.cniVersion, conf.name])).toEqual([
      ['p-new', '1.0.0', 'n'],
      ['p-old', '0.4.0', 'n'],
    ]);
    // Capability values only where declared; the plugin's own keys kept.
    expect(adds[0]?.[2].runtimeConfig).toEqual({ portMappings: at.capabilityArgs.portMappings });
    expect(adds[1]?.[2].runtimeConfig).toBeUndefined();
    expect(adds[1]?.[2].keep).toBe('me');
    // The 1.0.0 result of p-new reaches p-old as a 0.4.0 result.
    expect(adds[1]?.[2].prevResult).toMatchObject({
      cniVersion: '0.4.0',
      ips: [{ version: '4', address: '10.9.0.2/24' }],
    });
    // The answer is in the network's version.
    expect(result).toEqual({
      cniVersion: '1.0.0',
      interfaces: [{ name: 'net1', sandbox: '/ns' }],
      ips: [{ address: '10.9.0.2/24', interface: 0 }],
      routes: [{ dst: '0.0.0.0/0' }],
    });
    // VERSION is asked once per binary.
    await runner.add(network, at);
    expect(runner.versions.probes).toBe(2);
  });

  it('DEL runs the plugins last first, tries every one, and reports the failure', async () => {
    reset();
    writeFileSync(join(dir, 'fail-del'), '');
    const runner = new NetworkRunner({ binDirs: [dir] });
    const prev = { cniVersion: '1.0.0', ips: [{ address: '10.9.0.2/24' }] };
    const err = await runner.del(network, at, prev).catch((e: unknown) => e);
    rmSync(join(dir, 'fail-del'));
    expect(err).toBeInstanceOf(CniFailure);
    expect(err).toMatchObject({ code: 5, msg: 'plugin p-old: cannot delete' });
    const dels = calls().filter(([c]) => c === 'DEL');
    expect(dels.map(([, , conf]) => conf.type)).toEqual(['p-old', 'p-new']);
    expect(dels[1]?.[2].prevResult).toEqual(prev);
  });

  it('refuses a network no plugin version fits, a missing plugin, and its own shim types', async () => {
    const runner = new NetworkRunner({ binDirs: [dir] });
    await expect(runner.add({ ...network, cniVersion: '0.3.0' }, at)).rejects.toMatchObject({
      code: 1,
    });
    await expect(
      runner.add({ name: 'x', cniVersion: '1.0.0', plugins: [{ type: 'nope' }] }, at),
    ).rejects.toMatchObject({
      code: 7,
      msg: expect.stringMatching(/plugin nope was not found/),
    });
    await expect(
      runner.add({ name: 'x', cniVersion: '1.0.0', plugins: [{ type: 'plexus' }] }, at),
    ).rejects.toThrow(/served by the Plexus agent itself/);
    await expect(
      runner.add({ name: 'x', cniVersion: '1.0.0', plugins: [{ type: '../p-new' }] }, at),
    ).rejects.toMatchObject({
      code: 7,
    });
  });

  it('reports output that is not JSON (code 6) and kills a plugin past its deadline', async () => {
    const runner = new NetworkRunner({ binDirs: [dir], timeoutMs: 300 });
    await expect(
      runner.add({ name: 'x', cniVersion: '1.0.0', plugins: [{ type: 'p-garbage' }] }, at),
    ).rejects.toMatchObject({ code: 6 });
    const started = Date.now();
    await expect(
      runner.add({ name: 'x', cniVersion: '1.0.0', plugins: [{ type: 'p-slow' }] }, at),
    ).rejects.toThrow(/killed by SIGKILL/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('sends STATUS and GC only to plugins that speak 1.1.0', async () => {
    reset();
    const runner = new NetworkRunner({ binDirs: [dir] });
    await runner.status(network);
    const valid = [{ containerID: 'c1', ifname: 'net1' }];
    await runner.gc(network, valid);
    const verbs = calls().filter(([c]) => c === 'STATUS' || c === 'GC');
    expect(verbs.map(([c, , conf]) => [c, conf.type, conf.cniVersion])).toEqual([
      ['STATUS', 'p-new', '1.1.0'],
      ['GC', 'p-new', '1.1.0'],
    ]);
    expect(verbs[1]?.[2]['cni.dev/valid-attachments']).toEqual(valid);
    await runner.gc({ ...network, disableGC: true }, valid);
    expect(calls().filter(([c]) => c === 'GC')).toHaveLength(1);
  });
});
