// Reading AdmissionReviews (what is answerable, what is an HTTP 400), the answers built from
// findings, and the certificates the webhook issues for itself.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { error, warning } from '../api/common/index.ts';
import { parseAdmissionReview } from './admission-review.ts';
import { MAX_LISTED_ERRORS, responseFor, reviewText } from './admission-response.ts';
import { createCa, issueServingCert } from './certs/issue.ts';
import { renewMaterial, usableMaterial } from './certs/secret-bootstrap.ts';

const review = (request: unknown): Buffer =>
  Buffer.from(
    JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }),
  );
const KIND = { group: '', version: 'v1', kind: 'Pod' };

describe('parseAdmissionReview', () => {
  it('reads a request once into a typed value', () => {
    const r = parseAdmissionReview(
      review({
        uid: 'u',
        kind: KIND,
        operation: 'CREATE',
        namespace: 'n',
        object: { kind: 'Pod' },
      }),
    );
    expect(r).toEqual({
      ok: true,
      request: {
        uid: 'u',
        kind: KIND,
        operation: 'CREATE',
        namespace: 'n',
        name: '',
        subResource: '',
        dryRun: false,
        object: { kind: 'Pod' },
        oldObject: null,
      },
    });
  });
  it('answers what has no uid with HTTP 400, and what has one with an AdmissionReview error', () => {
    for (const body of [
      '',
      'nope',
      '[]',
      '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"u"}}',
    ])
      expect(parseAdmissionReview(Buffer.from(body))).toMatchObject({ ok: false, status: 400 });
    expect(parseAdmissionReview(review({ kind: KIND }))).toMatchObject({
      ok: false,
      status: 400,
      message: expect.stringContaining('request.uid'),
    });
    expect(parseAdmissionReview(review({ uid: 'x'.repeat(300) }))).toMatchObject({ status: 400 });
    expect(
      parseAdmissionReview(review({ uid: 'u', kind: KIND, operation: 'PATCH' })),
    ).toMatchObject({ ok: false, status: 200, uid: 'u' });
    expect(
      parseAdmissionReview(review({ uid: 'u', kind: KIND, operation: 'UPDATE', object: {} })),
    ).toMatchObject({ status: 200, message: expect.stringContaining('oldObject') });
  });
});

describe('responseFor', () => {
  it('allows with warnings, denies with one line per error naming field and fix', () => {
    const allowed = responseFor('u', {
      kind: 'findings',
      findings: [warning('a.b', 'odd', 'look')],
    });
    expect(allowed.response).toEqual({
      uid: 'u',
      allowed: true,
      warnings: ['a.b: odd; fix: look'],
    });
    const denied = responseFor('u', {
      kind: 'findings',
      findings: [error('x', 'bad', 'fix it'), error('y\nz', 'worse')],
    });
    expect(denied.response.allowed).toBe(false);
    expect(denied.response.status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'x: bad; fix: fix it\ny\\nz: worse',
    });
    expect(JSON.parse(reviewText(denied.response))).toMatchObject({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u' },
    });
  });
  it('writes a plain allow as JSON.stringify would, whatever the uid holds', () => {
    for (const uid of ['705ab4f5-6393-11e8-b7cc-42010a800002', 'a"b\\c\n\u2028é', '</script>']) {
      const { response } = responseFor(uid, { kind: 'findings', findings: [] });
      expect(response).toEqual({ uid, allowed: true });
      expect(reviewText(response)).toBe(
        JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }),
      );
    }
  });
  it('lists at most MAX_LISTED_ERRORS errors and counts the rest; caps warnings', () => {
    const many = Array.from({ length: 30 }, (_, i) => error(`f${i}`, 'bad'));
    const msg =
      responseFor('u', { kind: 'findings', findings: many }).response.status?.message ?? '';
    expect(msg.split('\n')).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(msg).toContain('and 20 more errors');
    const warns = Array.from({ length: 30 }, () => warning('w', 'x'.repeat(500)));
    const w = responseFor('u', { kind: 'findings', findings: warns }).response.warnings ?? [];
    expect(w.length).toBeLessThanOrEqual(10);
    for (const line of w) expect(line.length).toBeLessThanOrEqual(256);
  });
});

describe('certificates', () => {
  it('issues a CA and a serving certificate for DNS names and IPs that verify', () => {
    const ca = createCa('test-ca', { validDays: 10 });
    const leaf = issueServingCert(ca, ['svc.ns.svc', '127.0.0.1', '::1'], { validDays: 5 });
    const caCert = new X509Certificate(ca.cert);
    const cert = new X509Certificate(leaf.cert);
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.checkHost('svc.ns.svc')).toBe('svc.ns.svc');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('other')).toBeUndefined();
  });
  it('keeps material that is fresh, renews a certificate in the last third of its life, keeping the CA', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const m = renewMaterial(undefined, { names: ['a.b.svc'] }, now);
    const secret = {
      data: Object.fromEntries(
        Object.entries({
          'ca.crt': m.caBundle,
          'ca.key': m.ca.key,
          'tls.crt': m.serving.cert,
          'tls.key': m.serving.key,
        }).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
    };
    expect(usableMaterial(secret, ['a.b.svc'], now)?.serving.cert).toBe(m.serving.cert);
    expect(usableMaterial(secret, ['other.svc'], now)).toBeUndefined();
    const late = new Date(now.getTime() + 300 * 86_400_000);
    expect(usableMaterial(secret, ['a.b.svc'], late)).toBeUndefined();
    const renewed = renewMaterial(secret, { names: ['a.b.svc'] }, late);
    expect(renewed.ca.cert).toBe(m.ca.cert);
    expect(renewed.serving.cert).not.toBe(m.serving.cert);
  });
});
