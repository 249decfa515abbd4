// Realistic, valid NetworkAttachmentDefinition configs, reused by examples/,
// the benchmarks and the tests (a test checks each one passes without findings).
// All use cniVersion 1.0.0: the reference plugins on the nodes stop there.

export interface CniConfigExample {
  /** A NAD name that fits the config. */
  nadName: string;
  description: string;
  /** The `spec.config` string, pretty-printed as people write it. */
  config: string;
}

function pretty(v: unknown): string {
  return JSON.stringify(v, null, 2);
}

const MACVLAN_HOST_LOCAL: CniConfigExample = {
  nadName: 'macvlan-conf',
  description:
    'macvlan on the node uplink eth1, addresses from a host-local range on the underlay subnet',
  config: pretty({
    cniVersion: '1.0.0',
    name: 'macvlan-conf',
    type: 'macvlan',
    master: 'eth1',
    mode: 'bridge',
    ipam: {
      type: 'host-local',
      ranges: [
        [
          {
            subnet: '192.168.1.0/24',
            rangeStart: '192.168.1.200',
            rangeEnd: '192.168.1.216',
            gateway: '192.168.1.1',
          },
        ],
      ],
      routes: [{ dst: '0.0.0.0/0' }],
    },
  }),
};

const IPVLAN_STATIC: CniConfigExample = {
  nadName: 'ipvlan-static',
  description: 'ipvlan (L2) with a fixed address, gateway, route and DNS from static IPAM',
  config: pretty({
    cniVersion: '1.0.0',
    name: 'ipvlan-static',
    type: 'ipvlan',
    master: 'eth1',
    mode: 'l2',
    ipam: {
      type: 'static',
      addresses: [{ address: '10.10.0.10/24', gateway: '10.10.0.1' }],
      routes: [{ dst: '10.20.0.0/16', gw: '10.10.0.254' }],
      dns: { nameservers: ['10.10.0.2'], search: ['corp.example'] },
    },
  }),
};

const BRIDGE_PORTMAP: CniConfigExample = {
  nadName: 'bridge-net',
  description:
    'a node-local bridge network with NAT to the outside and hostPort support (bridge + portmap chain)',
  config: pretty({
    cniVersion: '1.0.0',
    name: 'bridge-net',
    plugins: [
      {
        type: 'bridge',
        bridge: 'br-pods',
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: '10.88.0.0/16' }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', snat: true, capabilities: { portMappings: true } },
    ],
  }),
};

const MACVLAN_VETH_TO_HOST: CniConfigExample = {
  nadName: 'underlay',
  description:
    'an underlay macvlan interface that can still reach Service IPs, through a veth-to-host link to the node (seed 004)',
  config: pretty({
    cniVersion: '1.0.0',
    name: 'underlay',
    plugins: [
      {
        type: 'macvlan',
        master: 'enp5s0f0',
        mode: 'bridge',
        ipam: {
          type: 'host-local',
          subnet: '10.10.20.0/24',
          rangeStart: '10.10.20.50',
          rangeEnd: '10.10.20.60',
          gateway: '10.10.20.254',
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      {
        type: 'veth-to-host',
        hostInterface: 'enp5s0f0',
        serviceCidr: '10.96.0.0/12',
        clusterCidr: '10.244.0.0/16',
        ipMasq: true,
      },
    ],
  }),
};

const PLEXUS_OVERLAY: CniConfigExample = {
  nadName: 'blue',
  description: 'an attachment to the OverlayNetwork "blue" (what the operator generates)',
  config: JSON.stringify({
    cniVersion: '1.0.0',
    name: 'blue',
    type: 'plexus-overlay',
    network: 'blue',
  }),
};

export const CNI_CONFIG_EXAMPLES: readonly CniConfigExample[] = [
  MACVLAN_HOST_LOCAL,
  IPVLAN_STATIC,
  BRIDGE_PORTMAP,
  MACVLAN_VETH_TO_HOST,
  PLEXUS_OVERLAY,
];
