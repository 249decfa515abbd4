// Which subnet slots of a network are taken: a bitmap in 4,096-bit chunks,
// allocated only where something is taken (a /8 network of /30 subnets has 4
// million slots), a reference count per taken slot (a lease and its owner
// record may both hold one), and a next-free search that is O(1) amortized:
// freed slots go on a stack and are reused first; otherwise a cursor moves
// forward over full words and chunks and never rescans what it passed.
const CHUNK_BITS = 4096;
const WORDS = CHUNK_BITS / 32;

export class SlotBitmap {
  readonly capacity: number;
  private readonly chunks: (Uint32Array | undefined)[];
  private readonly chunkUsed: Uint16Array;
  private readonly refs = new Map<number, number>();
  private readonly freed: number[] = [];
  private cursor = 0;
  private used = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError(`bad capacity ${capacity}`);
    this.capacity = capacity;
    const n = Math.ceil(capacity / CHUNK_BITS);
    this.chunks = new Array<Uint32Array | undefined>(n);
    this.chunkUsed = new Uint16Array(n);
  }

  /** Taken slots. */
  get size(): number {
    return this.used;
  }

  isTaken(slot: number): boolean {
    return (this.refs.get(slot) ?? 0) > 0;
  }

  /** One more holder of `slot`. */
  take(slot: number): void {
    this.check(slot);
    const n = this.refs.get(slot) ?? 0;
    this.refs.set(slot, n + 1);
    if (n > 0) return;
    const c = Math.floor(slot / CHUNK_BITS);
    let chunk = this.chunks[c];
    if (chunk === undefined) this.chunks[c] = chunk = new Uint32Array(WORDS);
    const bit = slot % CHUNK_BITS;
    chunk[bit >>> 5] = (chunk[bit >>> 5] as number) | (1 << (bit & 31));
    this.chunkUsed[c] = (this.chunkUsed[c] as number) + 1;
    this.used++;
  }

  /** One holder fewer; the slot is free when none is left. */
  release(slot: number): void {
    this.check(slot);
    const n = this.refs.get(slot) ?? 0;
    if (n === 0) return;
    if (n > 1) {
      this.refs.set(slot, n - 1);
      return;
    }
    this.refs.delete(slot);
    const c = Math.floor(slot / CHUNK_BITS);
    const chunk = this.chunks[c] as Uint32Array;
    const bit = slot % CHUNK_BITS;
    chunk[bit >>> 5] = (chunk[bit >>> 5] as number) & ~(1 << (bit & 31));
    this.chunkUsed[c] = (this.chunkUsed[c] as number) - 1;
    this.used--;
    this.freed.push(slot);
  }

  /** A free slot (not taken by this call), or undefined when every slot is taken. */
  nextFree(): number | undefined {
    if (this.used >= this.capacity) return undefined;
    while (this.freed.length > 0) {
      const slot = this.freed.pop() as number;
      if (!this.isTaken(slot)) return slot;
    }
    // Forward from the cursor, then once from the start (slots taken and released before
    // this bitmap tracked frees, e.g. while loading, may lie behind it).
    const found = this.scan(this.cursor, this.capacity) ?? this.scan(0, this.cursor);
    if (found !== undefined) this.cursor = found + 1 >= this.capacity ? 0 : found + 1;
    return found;
  }

  private scan(from: number, to: number): number | undefined {
    let slot = from;
    while (slot < to) {
      const c = Math.floor(slot / CHUNK_BITS);
      const chunk = this.chunks[c];
      const chunkEnd = Math.min((c + 1) * CHUNK_BITS, this.capacity);
      if (chunk === undefined) return slot;
      if (this.chunkUsed[c] === chunkEnd - c * CHUNK_BITS) {
        slot = chunkEnd;
        continue;
      }
      const bit = slot % CHUNK_BITS;
      const word = chunk[bit >>> 5] as number;
      if (word === -1 || word === 0xffffffff) {
        slot += 32 - (bit & 31);
        continue;
      }
      if ((word & (1 << (bit & 31))) === 0) return slot < to ? slot : undefined;
      slot++;
    }
    return undefined;
  }

  private check(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.capacity)
      throw new RangeError(`slot ${slot} is outside 0..${this.capacity - 1}`);
  }
}
