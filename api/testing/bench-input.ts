// A realistic 4-element JSON networks annotation for benchmarks: a named
// macvlan data interface with static dual-stack IPs, MAC and the default
// route; an SR-IOV-style attachment in another namespace; an overlay with
// port mappings and bandwidth limits; and a plain attachment.
export const BENCH_POD_NAMESPACE = 'payments';

export const BENCH_NETWORKS_ANNOTATION = JSON.stringify([
  {
    name: 'macvlan-data',
    interface: 'data0',
    ips: ['192.168.50.17/24', 'fd00:50::17/64'],
    mac: '02:42:c0:a8:32:11',
    'default-route': ['192.168.50.1'],
  },
  {
    name: 'sriov-fast',
    namespace: 'net-infra',
    interface: 'fast0',
    mac: '0a:58:0a:80:00:05',
    'cni-args': { vlan: 120, trust: 'on' },
  },
  {
    name: 'blue',
    ips: ['173.17.34.20/24'],
    portMappings: [
      { containerPort: 8080, hostPort: 18080, protocol: 'TCP' },
      { containerPort: 5353, hostPort: 15353, protocol: 'udp', hostIP: '10.0.0.12' },
    ],
    bandwidth: {
      ingressRate: 100000000,
      ingressBurst: 10000000,
      egressRate: 50000000,
      egressBurst: 5000000,
    },
  },
  { name: 'storage-net', namespace: 'storage' },
]);
