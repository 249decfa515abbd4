// A TCP proxy on 127.0.0.1 that fault tests put between a client and a server
// (kube-apiserver, etcd) to break the network on purpose: cut every open
// connection (watches included), or stop all traffic as a partition would and
// let it flow again. It buffers nothing of its own: backpressure is passed on.
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export interface FaultProxyOptions {
  /** Where connections are forwarded, e.g. kube-apiserver's 127.0.0.1 port. */
  upstream: { host: string; port: number };
  /** Port to listen on; default a free one. */
  port?: number;
}

export interface FaultProxy {
  readonly port: number;
  /** `127.0.0.1:<port>`: put it in a client's URL in place of the server's. */
  readonly address: string;
  /** Connections open right now. */
  readonly open: number;
  /** Connections accepted since the start. */
  readonly accepted: number;
  readonly paused: boolean;
  /** While refusing, new connections are reset at once, as when the server is down;
   * open ones keep working (cut them with cutAll). */
  setRefusing(on: boolean): void;
  /** Resets every open connection, both sides, as a broken network would; new ones still work. Returns how many. */
  cutAll(): number;
  /** No byte passes in either direction and new connections wait; nothing is closed, as in a partition. */
  pause(): void;
  /** Lets traffic flow again and connects the connections that waited. */
  resume(): void;
  /** Stops listening and cuts every connection. Idempotent. */
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
  /** Both directions wired (upstream connected). */
  wired: boolean;
}

/** Copies src to dst; when dst is full, src waits for 'drain' (and for resume() while paused). */
function forward(src: Socket, dst: Socket, isPaused: () => boolean): void {
  src.on('data', (chunk: Buffer) => {
    if (dst.write(chunk)) return;
    src.pause();
    dst.once('drain', () => {
      if (!isPaused()) src.resume();
    });
  });
  src.on('end', () => dst.end());
}

function close(socket: Socket | undefined): void {
  socket?.destroy();
}

/** Resets a socket (RST), or destroys it when it cannot be reset (not connected yet). */
function reset(socket: Socket | undefined): void {
  if (!socket || socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

class ProxyState {
  readonly pairs = new Set<Pair>();
  readonly waiting: Pair[] = [];
  paused = false;
  refusing = false;
  accepted = 0;
  private readonly opts: FaultProxyOptions;

  constructor(opts: FaultProxyOptions) {
    this.opts = opts;
  }

  accept(client: Socket): void {
    this.accepted++;
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, wired: false };
    this.pairs.add(pair);
    client.on('error', () => this.drop(pair, reset));
    client.on('close', () => this.drop(pair, close));
    if (this.paused) this.waiting.push(pair);
    else this.dial(pair);
  }

  dial(pair: Pair): void {
    const { host, port } = this.opts.upstream;
    const upstream = connect({ host, port, allowHalfOpen: true });
    pair.upstream = upstream;
    // An upstream that refuses or fails resets the client, as the server itself would have.
    upstream.on('error', () => this.drop(pair, reset));
    upstream.on('close', () => this.drop(pair, close));
    upstream.on('connect', () => {
      const isPaused = (): boolean => this.paused;
      forward(pair.client, upstream, isPaused);
      forward(upstream, pair.client, isPaused);
      pair.wired = true;
      // The client was accepted paused (pauseOnConnect); a pause that came meanwhile holds both.
      if (this.paused) this.hold(pair);
      else pair.client.resume();
    });
  }

  hold(pair: Pair): void {
    pair.client.pause();
    pair.upstream?.pause();
  }

  drop(pair: Pair, end: (s: Socket | undefined) => void): void {
    if (!this.pairs.delete(pair)) return;
    end(pair.client);
    end(pair.upstream);
  }

  cutAll(): number {
    const n = this.pairs.size;
    for (const pair of [...this.pairs]) this.drop(pair, reset);
    this.waiting.length = 0;
    return n;
  }

  pause(): void {
    this.paused = true;
    for (const pair of this.pairs) if (pair.wired) this.hold(pair);
  }

  resume(): void {
    this.paused = false;
    for (const pair of this.pairs) {
      if (!pair.wired) continue;
      pair.client.resume();
      pair.upstream?.resume();
    }
    for (const pair of this.waiting.splice(0)) if (this.pairs.has(pair)) this.dial(pair);
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
}

/** Starts a proxy on 127.0.0.1 forwarding to `upstream`. */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const proxy = new ProxyState(opts);
  // pauseOnConnect: no byte is read from a client before its upstream is connected.
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (c) =>
    proxy.accept(c),
  );
  const port = await listen(server, opts.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    port,
    address: `127.0.0.1:${port}`,
    get open() {
      return proxy.pairs.size;
    },
    get accepted() {
      return proxy.accepted;
    },
    get paused() {
      return proxy.paused;
    },
    setRefusing: (on) => void (proxy.refusing = on),
    cutAll: () => proxy.cutAll(),
    pause: () => proxy.pause(),
    resume: () => proxy.resume(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        proxy.cutAll();
      });
      return closing;
    },
  };
}
