import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addNetworkList,
  checkNetworkList,
  cniArgs,
  CniError,
  delNetworkList,
  errorFromOutput,
  findPlugin,
  parseConfList,
  pluginConfig,
} from './cni-exec.ts';
import type { ConfList, ExecContext, RuntimeConf } from './cni-exec.ts';

const list: ConfList = {
  cniVersion: '1.0.0',
  name: 'net1',
  plugins: [
    { type: 'bridge', name: 'ignored', cniVersion: '0.3.1', bridge: 'cni0' },
    { type: 'portmap', capabilities: { portMappings: true, bandwidth: false } },
  ],
};

describe('parseConfList', () => {
  it('accepts a conflist', () => {
    expect(parseConfList(JSON.stringify(list)).plugins).toHaveLength(2);
  });

  it.each([
    ['not an object', '[]', /not a JSON object/],
    ['no cniVersion', '{"name":"x","plugins":[{"type":"a"}]}', /cniVersion/],
    ['no name', '{"cniVersion":"1.0.0","plugins":[{"type":"a"}]}', /name/],
    ['no plugins', '{"cniVersion":"1.0.0","name":"x","plugins":[]}', /no plugins/],
    [
      'a plugin without type',
      '{"cniVersion":"1.0.0","name":"x","plugins":[{"type":"a"},{}]}',
      /plugins\[1\] has no type/,
    ],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parseConfList(text)).toThrow(message);
  });
});

describe('pluginConfig', () => {
  it('adds the list name and version over the plugin’s own, and prevResult when given', () => {
    const c = pluginConfig(list, 0, undefined);
    expect(c).toMatchObject({ type: 'bridge', name: 'net1', cniVersion: '1.0.0', bridge: 'cni0' });
    expect(c).not.toHaveProperty('prevResult');
    const prev = { cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }] };
    expect(pluginConfig(list, 1, prev).prevResult).toEqual(prev);
  });

  it('injects runtimeConfig only for capabilities the plugin declares true and the runtime provides', () => {
    const caps = {
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
      bandwidth: { ingressRate: 1 },
    };
    expect(pluginConfig(list, 1, undefined, caps).runtimeConfig).toEqual({
      portMappings: caps.portMappings,
    });
    expect(pluginConfig(list, 0, undefined, caps)).not.toHaveProperty('runtimeConfig');
    expect(pluginConfig(list, 1, undefined, {})).not.toHaveProperty('runtimeConfig');
  });

  it('throws for a plugin index the list does not have', () => {
    expect(() => pluginConfig(list, 2, undefined)).toThrow(/no plugin 2/);
  });

  it('always carries the list’s name and version, whatever the plugin holds', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue(), (extra, prev) => {
        const l: ConfList = { cniVersion: '1.0.0', name: 'n', plugins: [{ ...extra, type: 't' }] };
        const c = pluginConfig(l, 0, prev);
        expect(c.name).toBe('n');
        expect(c.cniVersion).toBe('1.0.0');
        expect(c.type).toBe('t');
        if (prev === null) expect(c).not.toHaveProperty('prevResult');
        else expect(c.prevResult).toEqual(prev);
      }),
    );
  });
});

describe('cniArgs and errorFromOutput', () => {
  it('joins CNI_ARGS pairs with ;', () => {
    expect(cniArgs({ IgnoreUnknown: 'true', K8S_POD_NAME: 'web' })).toBe(
      'IgnoreUnknown=true;K8S_POD_NAME=web',
    );
    expect(cniArgs()).toBe('');
  });

  it('reads a spec error result', () => {
    const e = errorFromOutput(
      'bridge',
      1,
      '{"cniVersion":"1.0.0","code":11,"msg":"try again","details":"busy"}',
      '',
    );
    expect(e).toBeInstanceOf(CniError);
    expect([e.code, e.msg, e.details]).toEqual([11, 'try again', 'busy']);
    expect(e.message).toContain('bridge');
  });

  it('reports a failure without an error result with its stderr', () => {
    const e = errorFromOutput('x', 2, 'garbage', 'panic: boom');
    expect(e.code).toBe(999);
    expect(e.details).toContain('panic: boom');
  });
});

// A stand-in plugin (plain Node, no privileges) that records how it was called.
const FAKE_PLUGIN = `#!/usr/bin/env node
const fs = require('fs');
const conf = JSON.parse(fs.readFileSync(0, 'utf8'));
const env = {};
for (const k of ['CNI_COMMAND', 'CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_ARGS', 'CNI_PATH']) env[k] = process.env[k];
fs.appendFileSync(conf.log, JSON.stringify({ type: conf.type, env, conf }) + '\\n');
if (conf.fail === process.env.CNI_COMMAND) {
  process.stdout.write(JSON.stringify({ cniVersion: conf.cniVersion, code: 7, msg: 'told to fail', details: conf.type }));
  process.exit(1);
}
if (process.env.CNI_COMMAND === 'ADD') {
  const prev = conf.prevResult || { cniVersion: conf.cniVersion, interfaces: [], ips: [] };
  prev.interfaces = [...prev.interfaces, { name: conf.type }];
  process.stdout.write(JSON.stringify(prev));
}
`;

describe('running a conflist (with a stand-in plugin)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plexus-cni-exec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const binDir = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  for (const name of ['first', 'second']) {
    const p = join(dir, name);
    writeFileSync(p, FAKE_PLUGIN);
    chmodSync(p, 0o755);
  }
  const calls = (): {
    type: string;
    env: Record<string, string>;
    conf: Record<string, unknown>;
  }[] => {
    if (!existsSync(log)) return [];
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    rmSync(log);
    return lines.map(
      (l) =>
        JSON.parse(l) as {
          type: string;
          env: Record<string, string>;
          conf: Record<string, unknown>;
        },
    );
  };
  const chain = (fail?: string): ConfList => ({
    cniVersion: '1.0.0',
    name: 'chain',
    plugins: [
      { type: 'first', log },
      { type: 'second', log, ...(fail ? { fail } : {}) },
    ],
  });
  const rt: RuntimeConf = {
    containerId: 'c0ffee',
    netns: '/var/run/netns/pod',
    ifName: 'net1',
    args: { K8S_POD_NAME: 'web' },
  };
  const ctx: ExecContext = { binDirs: [binDir, dir], cacheDir: join(dir, 'cache') };

  it('finds plugins along CNI_PATH and refuses a type with a slash', () => {
    expect(findPlugin('first', ctx.binDirs)).toBe(join(dir, 'first'));
    expect(() => findPlugin('missing', ctx.binDirs)).toThrow(/not found/);
    expect(() => findPlugin('../first', ctx.binDirs)).toThrow(/may not contain/);
  });

  it('ADD runs the plugins in order, chaining prevResult, with the runtime’s environment', async () => {
    const result = await addNetworkList(chain(), rt, ctx);
    expect(result).toMatchObject({ interfaces: [{ name: 'first' }, { name: 'second' }] });
    const c = calls();
    expect(c.map((x) => x.type)).toEqual(['first', 'second']);
    expect(c[0]?.conf).not.toHaveProperty('prevResult');
    expect(c[1]?.conf.prevResult).toMatchObject({ interfaces: [{ name: 'first' }] });
    expect(c[0]?.env).toEqual({
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'c0ffee',
      CNI_NETNS: '/var/run/netns/pod',
      CNI_IFNAME: 'net1',
      CNI_ARGS: 'K8S_POD_NAME=web',
      CNI_PATH: `${binDir}:${dir}`,
    });
  });

  it('CHECK runs in order and DEL in reverse, both with the cached ADD result; DEL drops the cache', async () => {
    await checkNetworkList(chain(), rt, ctx);
    const check = calls();
    expect(check.map((x) => `${x.env.CNI_COMMAND} ${x.type}`)).toEqual([
      'CHECK first',
      'CHECK second',
    ]);
    expect(check[0]?.conf.prevResult).toMatchObject({
      interfaces: [{ name: 'first' }, { name: 'second' }],
    });
    await delNetworkList(chain(), rt, ctx);
    const del = calls();
    expect(del.map((x) => `${x.env.CNI_COMMAND} ${x.type}`)).toEqual(['DEL second', 'DEL first']);
    expect(del[1]?.conf.prevResult).toMatchObject({
      interfaces: [{ name: 'first' }, { name: 'second' }],
    });
    await expect(checkNetworkList(chain(), rt, ctx)).rejects.toThrow(/no cached ADD result/);
  });

  it('stops at a failing plugin and reports its CNI error', async () => {
    const err = await addNetworkList(chain('ADD'), rt, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).code).toBe(7);
    expect((err as CniError).plugin).toBe('second');
    calls();
  });
});
