import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transport } from './transport.ts';

describe('Transport onRequest', () => {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reports every request, watches marked as such', async () => {
    const seen: string[] = [];
    const t = new Transport(
      { server: url, insecureSkipTlsVerify: false, source: 'test' },
      { onRequest: (r) => seen.push(`${r.method} ${r.path} ${r.watch}`) },
    );
    await t.json({ method: 'GET', path: '/api/v1/nodes' });
    const res = await t.stream({ method: 'GET', path: '/api/v1/pods', query: { watch: 1 } });
    res.destroy();
    t.close();
    expect(seen).toEqual(['GET /api/v1/nodes false', 'GET /api/v1/pods true']);
  });
});
