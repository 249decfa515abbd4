// Binding a server: resolves once it listens (or rejects with the bind error, e.g. EADDRINUSE),
// with the port it got and the URL to reach it.
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';

export async function listen(
  server: Server,
  host: string,
  port: number,
  scheme: 'http' | 'https',
): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return { port: bound, url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}
