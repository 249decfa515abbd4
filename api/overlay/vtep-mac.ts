// The VXLAN device MAC (VtepMAC) of a node in an overlay, derived from the
// network's and the node's names alone, so a reboot, an agent restart or an
// operator restart never changes it (flanneld keeps a random one in a node
// annotation instead). FNV-1a 64 over "network\0node", then murmur3's fmix64
// so names that differ in their last character (node-1, node-2) differ in every
// byte, folded into a locally administered unicast address: 46 bits of hash, so
// two nodes of a network collide with probability about n²/2⁴⁷ (1e-8 for 1,000 nodes).
const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

function fnv1a64(bytes: Uint8Array): bigint {
  let h = FNV64_OFFSET;
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV64_PRIME) & MASK64;
  return h;
}

/** murmur3's 64-bit finalizer: every input bit flips each output bit with probability ~1/2. */
function fmix64(k: bigint): bigint {
  let h = k;
  h ^= h >> 33n;
  h = (h * 0xff51afd7ed558ccdn) & MASK64;
  h ^= h >> 33n;
  h = (h * 0xc4ceb9fe1a85ec53n) & MASK64;
  h ^= h >> 33n;
  return h;
}

const encoder = new TextEncoder();

/** e.g. `0e:5c:91:0a:7d:33`: lower-case colon form, as flannel writes VtepMAC. */
export function deriveVtepMac(network: string, node: string): string {
  const h = fmix64(fnv1a64(encoder.encode(`${network}\u0000${node}`)));
  const bytes: number[] = [];
  for (let i = 0; i < 6; i++) bytes.push(Number((h >> BigInt(8 * (5 - i))) & 0xffn));
  // Locally administered (bit 1 set), unicast (bit 0 clear).
  bytes[0] = ((bytes[0] as number) & 0xfc) | 0x02;
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
