// The allocation index of one network: what etcd holds under its prefix (the
// config, every lease, Plexus' node owner records), kept in step by a list and
// a watch, plus the slots reserved in memory for transactions in flight.
//
// Who holds what is read from etcd alone, so a new leader or a restarted
// operator knows exactly what the last one did:
//   - `<prefix>/plexus/nodes/<node>` = `10.5.34.0-24` says node holds that subnet;
//   - a lease is ours when such a record names it and its VtepMAC is the node's
//     derived one; every other lease is foreign (an upstream flanneld, a person)
//     and its slots are never handed out, nor is it ever written or deleted.
// Events older than what the index already knows (our own transaction results
// are applied at once, the watch repeats them later) are ignored by revision.
//
// Entries are kept small (a cluster of 2,000 nodes and 20 networks has 80,000
// keys): a revision as a number, an address interned, a MAC as a 48-bit number,
// and no value once it is read.
import {
  deriveVtepMac,
  parseLeaseValue,
  parseSubnetKeyName,
  slotOfSubnet,
  slotsCovered,
  subnetKeyName,
  subnetOfSlot,
} from '../../api/overlay/index.ts';
import type { LeaseSubnet, SubnetPlan } from '../../api/overlay/index.ts';
import type { KeyValue } from '../../lib/etcd/index.ts';
import { SlotBitmap } from './slot-bitmap.ts';

/** The network an index is for. */
export interface NetworkRef {
  name: string;
  etcdPrefix: string;
  plan: SubnetPlan;
}

/** A key and the revision a guarded write expects it at. */
export interface Revisioned {
  key: string;
  modRevision: string;
}

/** A foreign lease covering more slots than this is tracked without marking each one. */
const MAX_SLOTS_PER_FOREIGN_LEASE = 1 << 16;

interface LeaseEntry {
  name: string;
  mod: number;
  subnet: LeaseSubnet;
  /** PublicIP and VtepMAC, when flanneld could read the value (it still blocks its subnet otherwise). */
  ip?: string;
  mac?: number;
  /** Slots it covers, when it lies in the plan. */
  slots?: { first: number; last: number };
}

interface OwnerEntry {
  node: string;
  mod: number;
  /** The subnet named, when the value names a subnet of the plan. */
  subnet?: LeaseSubnet;
  subnetName?: string;
  slot?: number;
}

/** What a node holds in the network, as etcd says. */
export interface NodeHolding {
  node: string;
  subnet: LeaseSubnet;
  slot: number;
  owner: Revisioned;
  /** The lease, when it exists and is ours. */
  lease?: Revisioned;
  /** Its PublicIP, when ours. */
  publicIp?: string;
  /** complete: owner record and our lease; missing: no lease at that subnet;
   * taken: a lease that is not ours sits there (someone overwrote it). */
  state: 'complete' | 'missing' | 'taken';
}

type KeyKind =
  | { kind: 'config' }
  | { kind: 'lease'; name: string }
  | { kind: 'owner'; node: string }
  | { kind: 'other' };

/** Node addresses repeat across networks: one string each. */
const ipPool = new Map<string, string>();
function intern(ip: string): string {
  let s = ipPool.get(ip);
  if (s === undefined) {
    if (ipPool.size > 1_000_000) ipPool.clear();
    ipPool.set(ip, (s = ip));
  }
  return s;
}

/** A copy of `s` that does not keep the string it was sliced from alive (V8 shares the
 * characters of a slice of 13 or more with its parent: a node name sliced from its key
 * would keep the whole key). */
function own(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

function macNumber(mac: string): number {
  return parseInt(mac.replaceAll(':', ''), 16);
}

export class NetworkLeases {
  readonly ref: NetworkRef;
  configKv: KeyValue | undefined;
  private readonly leases = new Map<string, LeaseEntry>();
  private readonly owners = new Map<string, OwnerEntry>();
  /** subnet name → node whose owner record names it. */
  private readonly ownerOfSubnet = new Map<string, string>();
  private readonly bitmap: SlotBitmap;
  /** slot → node, reserved for a transaction in flight. */
  private readonly pending = new Map<number, string>();
  /** key → revision of a delete we applied before the watch reported it. */
  private readonly tombstones = new Map<string, number>();
  private readonly macs = new Map<string, string>();
  private readonly macNumbers = new Map<string, number>();
  private readonly leasesPrefix: string;
  private readonly ownersPrefix: string;
  /** Called when a slot becomes free (waiting nodes may get one now). */
  onSlotFreed: (() => void) | undefined;

  constructor(ref: NetworkRef) {
    this.ref = ref;
    this.bitmap = new SlotBitmap(ref.plan.capacity);
    this.leasesPrefix = `${ref.etcdPrefix}/subnets/`;
    this.ownersPrefix = `${ref.etcdPrefix}/plexus/nodes/`;
  }

  get capacity(): number {
    return this.ref.plan.capacity;
  }

  /** The VtepMAC of `node` in this network (derived once per node). */
  vtepMac(node: string): string {
    let mac = this.macs.get(node);
    if (mac === undefined) this.macs.set(node, (mac = deriveVtepMac(this.ref.name, node)));
    return mac;
  }

  /** Makes the index hold exactly `kvs` (a list of the prefix). */
  replaceAll(kvs: readonly KeyValue[]): void {
    for (const e of [...this.leases.values()]) this.removeLease(e);
    for (const o of [...this.owners.values()]) this.removeOwner(o);
    this.configKv = undefined;
    this.tombstones.clear();
    for (const kv of kvs) this.applyPut(kv);
  }

  /** A put seen in etcd (list, watch, or our own transaction). Returns whether it changed anything. */
  applyPut(kv: KeyValue): boolean {
    const k = this.classify(kv.key);
    if (k.kind === 'other') return false;
    const rev = Number(kv.modRevision);
    const tomb = this.tombstones.get(kv.key);
    if (tomb !== undefined) {
      if (rev <= tomb) return false;
      this.tombstones.delete(kv.key);
    }
    const known = this.revisionOf(k);
    if (known !== undefined && known >= rev) return false;
    if (k.kind === 'config') this.configKv = kv;
    else if (k.kind === 'lease') this.putLease(own(k.name), kv.value, rev);
    else this.putOwner(this.owners.get(k.node)?.node ?? own(k.node), kv.value, rev);
    return true;
  }

  /** A delete seen in etcd at `revision`. Returns whether it changed anything. */
  applyDelete(key: string, revision: string): boolean {
    const k = this.classify(key);
    if (k.kind === 'other') return false;
    const rev = Number(revision);
    const tomb = this.tombstones.get(key);
    if (tomb !== undefined && rev >= tomb) this.tombstones.delete(key);
    const known = this.revisionOf(k);
    if (known === undefined || known > rev) return false;
    if (k.kind === 'config') this.configKv = undefined;
    else if (k.kind === 'lease') this.removeLease(this.leases.get(k.name) as LeaseEntry);
    else this.removeOwner(this.owners.get(k.node) as OwnerEntry);
    return true;
  }

  /** A delete we made: applied now, and remembered until the watch reports it. */
  applyOwnDelete(key: string, revision: string): void {
    if (this.applyDelete(key, revision) || !this.tombstones.has(key))
      this.tombstones.set(key, Number(revision));
  }

  /** What `node` holds, when its owner record names a subnet of the plan. */
  holding(node: string): NodeHolding | undefined {
    const o = this.owners.get(node);
    if (o?.subnet === undefined || o.slot === undefined || o.subnetName === undefined)
      return undefined;
    const base = {
      node,
      subnet: o.subnet,
      slot: o.slot,
      owner: { key: this.ownersPrefix + node, modRevision: String(o.mod) },
    };
    const l = this.leases.get(o.subnetName);
    if (l === undefined) return { ...base, state: 'missing' };
    if (!this.isOurs(l)) return { ...base, state: 'taken' };
    const lease = { key: this.leasesPrefix + l.name, modRevision: String(l.mod) };
    return { ...base, lease, ...(l.ip === undefined ? {} : { publicIp: l.ip }), state: 'complete' };
  }

  /** Whether `node` holds a complete lease (the cheap form of holding(), for counting). */
  holdsLease(node: string): boolean {
    const name = this.owners.get(node)?.subnetName;
    const l = name === undefined ? undefined : this.leases.get(name);
    return l !== undefined && this.isOurs(l);
  }

  /** The owner record of `node`, whatever it names (a stale one must be deleted). */
  ownerRecord(node: string): Revisioned | undefined {
    const o = this.owners.get(node);
    return o === undefined
      ? undefined
      : { key: this.ownersPrefix + node, modRevision: String(o.mod) };
  }

  /** The node a key concerns: an owner record's node, or the node whose record names a lease. */
  nodeForKey(key: string): string | undefined {
    const k = this.classify(key);
    if (k.kind === 'owner') return k.node;
    if (k.kind === 'lease') return this.ownerOfSubnet.get(k.name);
    return undefined;
  }

  /** Nodes with an owner record in this network. */
  nodes(): string[] {
    return [...this.owners.keys()];
  }

  /** Leases ours (complete holdings) and foreign. */
  counts(): { ours: number; foreign: number } {
    let ours = 0;
    for (const l of this.leases.values()) if (this.isOurs(l)) ours++;
    return { ours, foreign: this.leases.size - ours };
  }

  /** Names of the foreign leases (e.g. `10.5.1.0-24`), for messages and tests. */
  foreignLeases(): string[] {
    return [...this.leases.values()].filter((l) => !this.isOurs(l)).map((l) => l.name);
  }

  /** Takes a free slot for `node` until commit or unreserve; undefined when none is free. */
  reserve(node: string): { slot: number; subnet: LeaseSubnet } | undefined {
    const slot = this.bitmap.nextFree();
    if (slot === undefined) return undefined;
    this.bitmap.take(slot);
    this.pending.set(slot, node);
    return { slot, subnet: subnetOfSlot(this.ref.plan, slot) };
  }

  /** Gives a reservation back (its transaction ran, successfully or not). */
  unreserve(slot: number): void {
    if (!this.pending.delete(slot)) return;
    this.release(slot);
  }

  /** Free slots right now. */
  get free(): number {
    return this.capacity - this.bitmap.size;
  }

  private isOurs(l: LeaseEntry): boolean {
    const node = this.ownerOfSubnet.get(l.name);
    if (node === undefined || l.mac === undefined) return false;
    let mine = this.macNumbers.get(node);
    if (mine === undefined) this.macNumbers.set(node, (mine = macNumber(this.vtepMac(node))));
    return l.mac === mine;
  }

  private revisionOf(k: KeyKind): number | undefined {
    if (k.kind === 'config')
      return this.configKv === undefined ? undefined : Number(this.configKv.modRevision);
    if (k.kind === 'lease') return this.leases.get(k.name)?.mod;
    if (k.kind === 'owner') return this.owners.get(k.node)?.mod;
    return undefined;
  }

  private classify(key: string): KeyKind {
    if (key.startsWith(this.leasesPrefix)) {
      const name = key.slice(this.leasesPrefix.length);
      return name.includes('/') ? { kind: 'other' } : { kind: 'lease', name };
    }
    if (key.startsWith(this.ownersPrefix)) {
      const node = key.slice(this.ownersPrefix.length);
      return node === '' || node.includes('/') ? { kind: 'other' } : { kind: 'owner', node };
    }
    return key === `${this.ref.etcdPrefix}/config` ? { kind: 'config' } : { kind: 'other' };
  }

  private putLease(name: string, value: string, mod: number): void {
    const old = this.leases.get(name);
    if (old !== undefined) this.removeLease(old, false);
    const subnet = parseSubnetKeyName(name);
    // A key flannel cannot read as a subnet blocks nothing (flanneld ignores it too).
    if (subnet === undefined) return;
    const parsed = parseLeaseValue(value).value;
    const entry: LeaseEntry = { name, mod, subnet };
    if (parsed !== undefined) {
      entry.ip = intern(parsed.publicIp);
      if (parsed.vtepMac !== undefined) entry.mac = macNumber(parsed.vtepMac);
    }
    const covered = slotsCovered(this.ref.plan, subnet);
    if (covered !== undefined) {
      const last = Math.min(covered.last, covered.first + MAX_SLOTS_PER_FOREIGN_LEASE - 1);
      entry.slots = { first: covered.first, last };
      for (let s = covered.first; s <= last; s++) this.bitmap.take(s);
    }
    this.leases.set(name, entry);
    if (old !== undefined) this.releaseRange(old.slots);
  }

  private removeLease(e: LeaseEntry, release = true): void {
    this.leases.delete(e.name);
    if (release) this.releaseRange(e.slots);
  }

  private releaseRange(slots: LeaseEntry['slots']): void {
    if (slots === undefined) return;
    for (let s = slots.first; s <= slots.last; s++) this.release(s);
  }

  private putOwner(node: string, value: string, mod: number): void {
    const old = this.owners.get(node);
    const subnet = parseSubnetKeyName(value.trim());
    const slot = subnet === undefined ? undefined : slotOfSubnet(this.ref.plan, subnet);
    const entry: OwnerEntry =
      slot === undefined || subnet === undefined
        ? { node, mod }
        : { node, mod, subnet, slot, subnetName: subnetKeyName(subnet) };
    if (entry.slot !== undefined && entry.subnetName !== undefined) {
      this.bitmap.take(entry.slot);
      this.ownerOfSubnet.set(entry.subnetName, node);
    }
    this.owners.set(node, entry);
    if (old !== undefined) this.dropOwnerSlot(old);
  }

  private removeOwner(o: OwnerEntry): void {
    this.owners.delete(o.node);
    this.dropOwnerSlot(o);
  }

  private dropOwnerSlot(o: OwnerEntry): void {
    if (o.subnetName === undefined || o.slot === undefined) return;
    const name = o.subnetName;
    if (this.ownerOfSubnet.get(name) === o.node && this.owners.get(o.node)?.slot !== o.slot)
      this.ownerOfSubnet.delete(name);
    this.release(o.slot);
  }

  private release(slot: number): void {
    const wasTaken = this.bitmap.isTaken(slot);
    this.bitmap.release(slot);
    if (wasTaken && !this.bitmap.isTaken(slot)) this.onSlotFreed?.();
  }
}
