// flannel's own code reading (and writing) a network in etcd: the Go program in
// go/flannel-lease-check (github.com/flannel-io/flannel v0.28 from the module
// proxy), built and cached by scripts/build-go.sh, run by the interop tests.
import { fileURLToPath } from 'node:url';
import { resolveGoBuild } from './go-builds.ts';
import type { GoBuildOptions, GoBuildSpec } from './go-builds.ts';
import { run } from './proc.ts';

export const FLANNEL_LEASE_CHECK: GoBuildSpec = {
  name: 'flannel-lease-check',
  source: fileURLToPath(new URL('./go/flannel-lease-check', import.meta.url)),
};

/** A lease as flannel's types read it. */
export interface FlannelSeenLease {
  subnet: string;
  publicIP: string;
  backendType: string;
  vni: number;
  vtepMAC: string;
  /** json.Marshal of flannel's LeaseAttrs: what flanneld would write for this lease. */
  marshaled: string;
}

export interface FlannelSeenNetwork {
  config: {
    network: string;
    subnetLen: number;
    subnetMin: string;
    subnetMax: string;
    backendType: string;
  };
  leases: FlannelSeenLease[];
}

/** The binary, built when not cached. */
export async function flannelLeaseCheck(opts: GoBuildOptions = {}): Promise<string> {
  const build = await resolveGoBuild(FLANNEL_LEASE_CHECK, opts);
  if (build.bin === undefined) throw new Error('flannel-lease-check: the build named no binary');
  return build.bin;
}

/** What flannel reads under `prefix`: its config and every lease. */
export async function flannelList(
  bin: string,
  endpoint: string,
  prefix: string,
): Promise<FlannelSeenNetwork> {
  const r = await run(bin, ['list', endpoint, prefix], { timeoutMs: 60_000 });
  return JSON.parse(r.stdout) as FlannelSeenNetwork;
}

/** A lease acquired by flannel's own allocator, as an upstream flanneld on that host would. */
export async function flannelAcquire(
  bin: string,
  endpoint: string,
  prefix: string,
  publicIp: string,
): Promise<FlannelSeenLease> {
  const r = await run(bin, ['acquire', endpoint, prefix, publicIp], { timeoutMs: 60_000 });
  return JSON.parse(r.stdout) as FlannelSeenLease;
}
