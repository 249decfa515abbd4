import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readState, removeState, writeState, type AttachmentState } from './state.ts';

const dir = mkdtempSync(join(tmpdir(), 'v2h-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STATE: AttachmentState = {
  version: 1,
  containerId: 'abc',
  ifName: 'net1',
  netns: '/var/run/netns/x',
  hostVeth: 'v2h0123456789ab',
  podVeth: 'v2h-net1',
  chain: 'PLX-V2H-0123456789AB',
  masqFamilies: [4],
  movedDefaults: [
    {
      family: 4,
      route: {
        dst: 'default',
        gateway: '10.0.0.1',
        dev: 'net1',
        flags: ['onlink'],
        multipath: false,
      },
    },
  ],
};

describe('state', () => {
  it('round-trips, atomically (no temp file stays)', async () => {
    await writeState(dir, STATE);
    const back = await readState(dir, STATE.hostVeth);
    expect(back?.masqFamilies).toEqual([4]);
    expect(back?.movedDefaults[0]?.route.gateway).toBe('10.0.0.1');
    expect(back?.movedDefaults[0]?.route.flags).toEqual(['onlink']);
    expect(readdirSync(join(dir, 'veth-to-host'))).toEqual([`${STATE.hostVeth}.json`]);
  });
  it('reads nothing for another attachment, a missing file or a corrupt one', async () => {
    expect(await readState(dir, 'v2hffffffffffff')).toBeUndefined();
    writeFileSync(join(dir, 'veth-to-host', 'v2heeeeeeeeeeee.json'), '{"version":1,');
    expect(await readState(dir, 'v2heeeeeeeeeeee')).toBeUndefined();
    writeFileSync(
      join(dir, 'veth-to-host', 'v2hdddddddddddd.json'),
      JSON.stringify({ ...STATE, hostVeth: 'v2hcccccccccccc' }),
    );
    expect(await readState(dir, 'v2hdddddddddddd')).toBeUndefined();
  });
  it('removes, and removing twice is fine', async () => {
    await removeState(dir, STATE.hostVeth);
    await removeState(dir, STATE.hostVeth);
    expect(await readState(dir, STATE.hostVeth)).toBeUndefined();
  });
});
