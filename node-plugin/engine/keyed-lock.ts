// One operation at a time per key (a container ID): the runtime must not run two operations on
// one container at once, and the agent holds to that even when a runtime does not (a DEL that
// arrives while its ADD still runs waits for it). Different keys never wait for each other.
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Whether an operation on `key` is running or waiting. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    await before;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
