// The CRDs from crds/ against the real API server: accepted and Established,
// schema and CEL violations rejected by the server itself with its message,
// `kubectl explain` teaching the fields, `kubectl get plexus` with the
// printer columns.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, skipReason } from './context.ts';
import { apiRequest, kubectl, kubectlJson } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { isPlainObject } from '../api/common/index.ts';

const OVERLAY_CRD = 'overlaynetworks.plexus.dev';
const NNC_CRD = 'nodenetworkconfigs.plexus.dev';
const NAD_CRD = 'network-attachment-definitions.k8s.cni.cncf.io';
const OVERLAYS = '/apis/plexus.dev/v1alpha1/overlaynetworks';

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (!isPlainObject(v)) throw new Error(`${what} is not an object`);
  return v;
}

/** The served version's openAPIV3Schema of a CRD, as the API server holds it. */
async function crdSchema(
  cp: ControlPlaneInfo,
  name: string,
): Promise<{ crd: Obj; schema: Obj; version: Obj }> {
  const crd = obj(await kubectlJson(cp, ['get', 'crd', name]), name);
  const versions = obj(crd.spec, 'spec').versions;
  if (!Array.isArray(versions)) throw new Error(`${name} has no versions`);
  const version = obj(
    versions.find((v) => isPlainObject(v) && v.served === true),
    `${name} served version`,
  );
  const schema = obj(obj(version.schema, 'schema').openAPIV3Schema, 'openAPIV3Schema');
  return { crd, schema, version };
}

function prop(schema: Obj, ...path: string[]): Obj {
  let s = schema;
  for (const p of path) s = obj(obj(s.properties, `properties of ${p}`)[p], p);
  return s;
}

function celMessage(schema: Obj, ruleContains: string): string {
  const rules = schema['x-kubernetes-validations'];
  if (!Array.isArray(rules)) throw new Error('no x-kubernetes-validations');
  for (const r of rules) {
    if (
      isPlainObject(r) &&
      typeof r.rule === 'string' &&
      r.rule.includes(ruleContains) &&
      typeof r.message === 'string'
    )
      return r.message;
  }
  throw new Error(`no CEL rule containing ${ruleContains}`);
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

function overlay(name: string, spec: Obj): Obj {
  return { apiVersion: 'plexus.dev/v1alpha1', kind: 'OverlayNetwork', metadata: { name }, spec };
}

function statusMessage(json: unknown): string {
  return isPlainObject(json) && typeof json.message === 'string' ? json.message : '';
}

describe.skipIf(skipReason() !== null)('CRDs on a real API server', () => {
  const suffix = randomBytes(3).toString('hex');
  const created: string[] = [];
  let cp: ControlPlaneInfo;

  beforeAll(() => {
    cp = controlPlane();
  });

  afterAll(async () => {
    if (created.length > 0)
      await kubectl(cp, [
        'delete',
        'overlaynetworks',
        ...created,
        '--ignore-not-found',
        '--wait=false',
      ]);
    await kubectl(
      cp,
      [
        'delete',
        'net-attach-def',
        `macvlan-${suffix}`,
        '-n',
        'default',
        '--ignore-not-found',
        '--wait=false',
      ],
      { allowFail: true },
    );
  });

  it('installs every CRD of crds/ and the API server marks each Established and NamesAccepted', async () => {
    expect(cp.crds).toEqual(expect.arrayContaining([OVERLAY_CRD, NNC_CRD, NAD_CRD]));
    for (const name of cp.crds) {
      const crd = obj(await kubectlJson(cp, ['get', 'crd', name]), name);
      const conds = obj(crd.status, 'status').conditions;
      expect(Array.isArray(conds)).toBe(true);
      const status = (type: string): unknown =>
        (conds as unknown[]).find((c) => isPlainObject(c) && c.type === type) as Obj | undefined;
      expect(status('Established'), `${name} Established`).toMatchObject({ status: 'True' });
      expect(status('NamesAccepted'), `${name} NamesAccepted`).toMatchObject({ status: 'True' });
    }
  });

  it('accepts a valid OverlayNetwork and a valid NetworkAttachmentDefinition', async () => {
    const name = `blue-${suffix}`;
    const res = await apiRequest(cp, 'POST', OVERLAYS, {
      body: overlay(name, { network: '173.17.0.0/16', backend: { vni: 4242 } }),
    });
    expect(res.status, res.body).toBe(201);
    created.push(name);
    const nad = {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: `macvlan-${suffix}`, namespace: 'default' },
      spec: {
        config: JSON.stringify({
          cniVersion: '1.0.0',
          type: 'macvlan',
          master: 'eth0',
          ipam: { type: 'host-local', subnet: '10.10.0.0/24' },
        }),
      },
    };
    const out = await kubectl(cp, ['create', '-f', '-'], { input: JSON.stringify(nad) });
    expect(out.stdout).toContain(`macvlan-${suffix} created`);
  });

  it('rejects a schema violation with the server’s own message (422 Invalid)', async () => {
    const { schema } = await crdSchema(cp, OVERLAY_CRD);
    const vni = prop(schema, 'spec', 'backend', 'vni');
    expect(vni.minimum).toBe(1);
    const res = await apiRequest(cp, 'POST', OVERLAYS, {
      body: overlay(`bad-vni-${suffix}`, { network: '173.18.0.0/16', backend: { vni: 0 } }),
    });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    expect(statusMessage(res.json)).toContain('spec.backend.vni');
    expect(statusMessage(res.json)).toContain('should be greater than or equal to 1');

    // kubectl shows the same server message to a person.
    const k = await kubectl(cp, ['create', '-f', '-'], {
      input: JSON.stringify(overlay(`bad-type-${suffix}`, { network: 42, backend: { vni: 7 } })),
      allowFail: true,
    });
    expect(k.code).not.toBe(0);
    expect(k.stderr).toMatch(
      /spec\.network: Invalid value: "integer": spec\.network in body must be of type string/,
    );
  });

  it('rejects a missing required field', async () => {
    const res = await apiRequest(cp, 'POST', OVERLAYS, {
      body: overlay(`no-net-${suffix}`, { backend: { vni: 9 } }),
    });
    expect(res.status).toBe(422);
    expect(statusMessage(res.json)).toMatch(/spec\.network: Required value/);
  });

  it('rejects a CEL rule violation with the rule’s message', async () => {
    const { schema } = await crdSchema(cp, OVERLAY_CRD);
    const hostBits = celMessage(prop(schema, 'spec', 'network'), 'masked()');
    const res = await apiRequest(cp, 'POST', OVERLAYS, {
      body: overlay(`hostbits-${suffix}`, { network: '173.17.0.1/16', backend: { vni: 11 } }),
    });
    expect(res.status).toBe(422);
    expect(statusMessage(res.json)).toContain(hostBits);
  });

  it('enforces a CEL transition rule on update (immutable VNI)', async () => {
    const name = `immut-${suffix}`;
    const create = await apiRequest(cp, 'POST', OVERLAYS, {
      body: overlay(name, { network: '173.19.0.0/16', backend: { vni: 77 } }),
    });
    expect(create.status, create.body).toBe(201);
    created.push(name);
    const { schema } = await crdSchema(cp, OVERLAY_CRD);
    const immutable = celMessage(prop(schema, 'spec', 'backend', 'vni'), 'oldSelf');
    const patch = await apiRequest(cp, 'PATCH', `${OVERLAYS}/${name}`, {
      body: { spec: { backend: { vni: 78 } } },
      contentType: 'application/merge-patch+json',
    });
    expect(patch.status).toBe(422);
    expect(statusMessage(patch.json)).toContain(immutable);
  });

  it('kubectl explain overlaynetwork.spec prints the field descriptions', async () => {
    const { schema } = await crdSchema(cp, OVERLAY_CRD);
    const spec = prop(schema, 'spec');
    const out = squash((await kubectl(cp, ['explain', 'overlaynetwork.spec'])).stdout);
    expect(out).toContain('KIND: OverlayNetwork');
    const fields = Object.entries(obj(spec.properties, 'spec.properties'));
    expect(fields.length).toBeGreaterThan(3);
    for (const [field, sub] of fields) {
      const description = obj(sub, field).description;
      expect(typeof description, `spec.${field} has a description`).toBe('string');
      expect(out).toContain(field);
      // kubectl wraps long text; compare with whitespace squashed, on the first 60 characters.
      expect(out).toContain(squash(String(description)).slice(0, 60));
    }
  });

  it('kubectl get plexus lists Plexus objects with the printer columns', async () => {
    const out = (await kubectl(cp, ['get', 'plexus'])).stdout;
    const { version } = await crdSchema(cp, OVERLAY_CRD);
    const columns = (version.additionalPrinterColumns as unknown[]).map((c) => obj(c, 'column'));
    const header = out.split('\n').find((l) => l.startsWith('NAME') && l.includes('NETWORK'));
    expect(header, out).toBeDefined();
    for (const c of columns.filter((c) => c.priority === undefined || c.priority === 0)) {
      expect(header).toContain(String(c.name).toUpperCase());
    }
    const row = out.split('\n').find((l) => l.includes(`overlaynetwork.plexus.dev/blue-${suffix}`));
    expect(row, out).toBeDefined();
    expect(row).toContain('173.17.0.0/16');
    expect(row).toContain('4242');
  });
});
