// Holds node reconciles back while OverlayNetworks that may change node
// membership (new, changed, deleted, or not yet seen by this leader) wait for
// their reconcile. A burst of networks (an operator start, a `kubectl apply` of
// twenty) then costs each node one etcd transaction and one NodeNetworkConfig
// write, not one per network. A network counts as settled after one attempt,
// failed or not: an etcd outage retries with backoff and never blocks nodes.
export class MembershipGate {
  /** network → how many changes were seen since it last settled. */
  private readonly seen = new Map<string, number>();
  private waiters: (() => void)[] = [];

  /** A change that may move nodes in or out of `network`. */
  changed(network: string): void {
    this.seen.set(network, (this.seen.get(network) ?? 0) + 1);
  }

  /** A reconcile of `network` is starting: returns what it will cover once done. */
  starting(network: string): number {
    return this.seen.get(network) ?? 0;
  }

  /** The reconcile that started at `mark` is done (whatever its result). */
  finished(network: string, mark: number): void {
    if ((this.seen.get(network) ?? 0) <= mark) this.seen.delete(network);
    if (this.seen.size === 0) for (const w of this.waiters.splice(0)) w();
  }

  /** Networks still to settle. */
  get pending(): number {
    return this.seen.size;
  }

  /** Resolves once no network is left to settle. */
  wait(): Promise<void> {
    if (this.seen.size === 0) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** Releases every waiter (shutdown). */
  open(): void {
    this.seen.clear();
    for (const w of this.waiters.splice(0)) w();
  }
}
