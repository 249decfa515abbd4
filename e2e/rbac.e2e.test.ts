// RBAC is really enforced: the restricted client identity is denied what no
// role grants it, gets exactly what a binding grants, and loses it again.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPlane, skipReason } from './context.ts';
import { apiRequest, kubectl } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { waitFor } from '../devcluster/proc.ts';

async function canI(cp: ControlPlaneInfo, verb: string, resource: string): Promise<string> {
  const res = await kubectl(cp, ['auth', 'can-i', verb, resource], {
    as: 'restricted',
    allowFail: true,
  });
  return res.stdout.trim();
}

describe.skipIf(skipReason() !== null)('RBAC with a restricted client identity', () => {
  const name = `plexus-e2e-reader-${randomBytes(3).toString('hex')}`;
  let cp: ControlPlaneInfo;

  beforeAll(() => {
    cp = controlPlane();
  });

  afterAll(async () => {
    await kubectl(cp, ['delete', 'clusterrolebinding', name, '--ignore-not-found']);
    await kubectl(cp, ['delete', 'clusterrole', name, '--ignore-not-found']);
  });

  it('is authenticated as its own user, not as an admin', async () => {
    const res = await apiRequest(cp, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      as: 'restricted',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
    });
    expect(res.status, res.body).toBe(201);
    expect(res.json).toMatchObject({ status: { userInfo: { username: cp.restrictedUser } } });
    const groups = (res.json as { status: { userInfo: { groups: string[] } } }).status.userInfo
      .groups;
    expect(groups).toContain(cp.restrictedGroup);
    expect(groups).not.toContain('system:masters');
  });

  it('is denied what RBAC does not grant, with the server’s Forbidden message', async () => {
    const list = await kubectl(cp, ['get', 'overlaynetworks'], {
      as: 'restricted',
      allowFail: true,
    });
    expect(list.code).not.toBe(0);
    expect(list.stderr).toContain(
      `User "${cp.restrictedUser}" cannot list resource "overlaynetworks" in API group "plexus.dev" at the cluster scope`,
    );
    const secrets = await apiRequest(cp, 'GET', '/api/v1/namespaces/kube-system/secrets', {
      as: 'restricted',
    });
    expect(secrets.status).toBe(403);
    expect(secrets.json).toMatchObject({ kind: 'Status', reason: 'Forbidden' });
    const node = await apiRequest(cp, 'POST', '/api/v1/nodes', {
      as: 'restricted',
      body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'sneaky' } },
    });
    expect(node.status).toBe(403);
    // The admin identity, for contrast, may.
    expect((await apiRequest(cp, 'GET', '/api/v1/namespaces/kube-system/secrets')).status).toBe(
      200,
    );
  });

  it('gets exactly what a ClusterRoleBinding grants, and loses it when the binding goes', async () => {
    await kubectl(cp, [
      'create',
      'clusterrole',
      name,
      '--verb=get,list,watch',
      '--resource=overlaynetworks.plexus.dev',
    ]);
    await kubectl(cp, [
      'create',
      'clusterrolebinding',
      name,
      `--clusterrole=${name}`,
      `--user=${cp.restrictedUser}`,
    ]);
    // RBAC reads roles through an informer: a grant takes effect within moments, not at once.
    await waitFor(
      'the grant to take effect',
      async () =>
        (await canI(cp, 'list', 'overlaynetworks.plexus.dev')) === 'yes' ? true : undefined,
      {
        timeoutMs: 15_000,
      },
    );
    const list = await kubectl(cp, ['get', 'overlaynetworks'], { as: 'restricted' });
    expect(list.code).toBe(0);
    expect(await canI(cp, 'create', 'overlaynetworks.plexus.dev')).toBe('no');
    expect(await canI(cp, 'list', 'secrets')).toBe('no');
    const create = await kubectl(cp, ['create', '-f', '-'], {
      as: 'restricted',
      allowFail: true,
      input: JSON.stringify({
        apiVersion: 'plexus.dev/v1alpha1',
        kind: 'OverlayNetwork',
        metadata: { name: 'nope' },
        spec: { network: '10.9.0.0/16', backend: { vni: 5 } },
      }),
    });
    expect(create.code).not.toBe(0);
    expect(create.stderr).toContain(
      `cannot create resource "overlaynetworks" in API group "plexus.dev"`,
    );

    await kubectl(cp, ['delete', 'clusterrolebinding', name]);
    await waitFor(
      'the grant to be withdrawn',
      async () =>
        (await canI(cp, 'list', 'overlaynetworks.plexus.dev')) === 'no' ? true : undefined,
      {
        timeoutMs: 15_000,
      },
    );
  });
});
