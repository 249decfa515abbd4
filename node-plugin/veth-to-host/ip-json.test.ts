import { describe, expect, it } from 'vitest';
import { parseJsonLines, readAddresses, readLinks, readNeighbours, readRoutes } from './ip-json.ts';

// Captured from `ip -json -details -batch -` (iproute2 6.1), trimmed.
const BATCH = [
  '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},{"ifindex":3,"link":"d1","ifname":"d0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"address":"42:1d:30:25:5a:68","linkinfo":{"info_kind":"veth"},"addr_info":[{"family":"inet","local":"10.0.0.1","prefixlen":24,"scope":"global"},{"family":"inet6","local":"fe80::401d:30ff:fe25:5a68","prefixlen":64,"scope":"link"}]}]',
  '[{"dst":"default","gateway":"10.0.0.254","dev":"d0","flags":[]},{"dst":"10.0.0.0/24","protocol":"kernel","scope":"link","prefsrc":"10.0.0.1","dev":"d0","flags":["linkdown"]},{"dst":"10.1.0.0/16","flags":[],"nexthops":[{"gateway":"10.0.0.2"}]}]',
  '[{"dst":"10.0.0.254","dev":"d0","lladdr":"02:00:00:00:00:01","state":["PERMANENT"]},{"dst":"10.0.0.7","dev":"d0","state":["FAILED"]}]',
  '',
].join('\n');

describe('ip -json readers', () => {
  const [links = [], routes = [], neigh = []] = parseJsonLines(BATCH);
  it('reads one list per batch line', () => {
    expect(parseJsonLines(BATCH)).toHaveLength(3);
    expect(() => parseJsonLines('{"a":1}\n')).toThrow(/not a list/);
    expect(() => parseJsonLines('nonsense\n')).toThrow();
  });
  it('reads links with their state and kind', () => {
    expect(readLinks(links)).toEqual([
      { ifname: 'lo', mtu: 65536, address: '00:00:00:00:00:00', up: true, kind: undefined },
      { ifname: 'd0', mtu: 1500, address: '42:1d:30:25:5a:68', up: true, kind: 'veth' },
    ]);
  });
  it('reads addresses of both families', () => {
    expect(readAddresses(links).map((a) => [a.ifname, a.family, a.local, a.scope])).toEqual([
      ['lo', 4, '127.0.0.1', 'host'],
      ['d0', 4, '10.0.0.1', 'global'],
      ['d0', 6, 'fe80::401d:30ff:fe25:5a68', 'link'],
    ]);
  });
  it('reads routes, marking multipath ones', () => {
    const r = readRoutes(routes);
    expect(r[0]).toEqual({
      dst: 'default',
      gateway: '10.0.0.254',
      dev: 'd0',
      prefsrc: undefined,
      scope: undefined,
      protocol: undefined,
      metric: undefined,
      flags: [],
      multipath: false,
    });
    expect(r[1]?.flags).toEqual(['linkdown']);
    expect(r[2]?.multipath).toBe(true);
  });
  it('reads neighbours with their permanence', () => {
    expect(readNeighbours(neigh).map((n) => [n.dst, n.lladdr, n.permanent])).toEqual([
      ['10.0.0.254', '02:00:00:00:00:01', true],
      ['10.0.0.7', undefined, false],
    ]);
  });
  it('skips entries of the wrong shape', () => {
    const junk = [null, 3, 'x', { ifname: 3 }, { dst: 4 }, []];
    expect(readLinks(junk)).toEqual([]);
    expect(readAddresses(junk)).toEqual([]);
    expect(readRoutes(junk)).toEqual([]);
    expect(readNeighbours(junk)).toEqual([]);
  });
});
