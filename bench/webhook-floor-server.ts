// The floor of the webhook benchmark: a bare Node HTTPS server that only reads the body, parses
// the AdmissionReview and allows it. Whatever the real webhook does beyond this costs the
// difference. Usage: node bench/webhook-floor-server.ts PORT CERT KEY
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [port = '0', cert = '', key = ''] = process.argv.slice(2);
const server = createServer(
  {
    cert: readFileSync(cert),
    key: readFileSync(key),
    minVersion: 'TLSv1.2',
    keepAliveTimeout: 65_000,
  },
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        request: { uid: string };
      };
      const text = JSON.stringify({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid: review.request.uid, allowed: true },
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  },
);
server.listen(Number(port), '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
