// A TCP proxy for fault tests: forwards 127.0.0.1:<port> to a target and can cut every
// connection it carries (as a dying load balancer or a network blip would), or refuse new ones.
import { createServer, connect } from 'node:net';
import type { Socket, AddressInfo } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Connections open now. */
  readonly open: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Destroys every open connection (both sides); returns how many pairs were cut. */
  cutAll(): number;
  /** While refusing, new connections are closed at once (an outage); cut open ones with cutAll. */
  setRefusing(refusing: boolean): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let refusing = false;
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get open() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    cutAll() {
      const n = pairs.size;
      for (const [a, b] of [...pairs]) {
        // resetAndDestroy sends RST, as a broken path does; plain destroy would send FIN.
        a.resetAndDestroy();
        b.resetAndDestroy();
      }
      pairs.clear();
      return n;
    },
    setRefusing(value) {
      refusing = value;
    },
    close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
