// The install manifests' RBAC is exactly enough: two `plexus webhooks` replicas run as the
// plexus-webhooks ServiceAccount (a real token) with only manifests/base/webhooks-rbac.yaml,
// start at the same moment on an empty certificate Secret, agree on one CA and serving
// certificate, set the ValidatingWebhookConfiguration's caBundle, and serve the real
// kube-apiserver; the ServiceAccount is refused everything the manifests do not grant.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTokenKubeconfig } from '../devcluster/agents.ts';
import { freePort } from '../devcluster/free-port.ts';
import { apiRequest, kubectl } from '../devcluster/kube.ts';
import type { ControlPlaneInfo } from '../devcluster/kube.ts';
import { waitFor } from '../devcluster/proc.ts';
import type { Run } from '../devcluster/run.ts';
import { startService } from '../devcluster/service.ts';
import type { Service } from '../devcluster/service.ts';
import { nodeCompileCacheDir, WEBHOOK_NODE_FLAGS } from '../devcluster/webhooks.ts';
import { webhookConfiguration } from '../webhooks/index.ts';
import { controlPlane, skipReason, testRun } from './context.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SA = 'system:serviceaccount:plexus-system:plexus-webhooks';

interface Replica {
  service: Service;
  url: string;
  certDir: string;
}

describe.skipIf(skipReason() !== null)('webhooks with exactly the manifests’ RBAC', () => {
  let run: Run;
  let cp: ControlPlaneInfo;
  const replicas: Replica[] = [];

  const canI = async (args: string[]): Promise<string> =>
    (
      await kubectl(cp, ['auth', 'can-i', ...args, `--as=${SA}`], { allowFail: true })
    ).stdout.trim();

  beforeAll(async () => {
    run = testRun();
    cp = controlPlane();
    for (const f of ['namespace.yaml', 'webhooks-rbac.yaml'])
      await kubectl(cp, ['apply', '-f', join(REPO, 'manifests/base', f)]);
    const deployment = readFileSync(join(REPO, 'manifests/base/webhooks-deployment.yaml'), 'utf8');
    const secretDoc = deployment.split(/^---$/m).find((d) => /kind: Secret/.test(d)) ?? '';
    await kubectl(cp, ['apply', '-f', '-'], { input: secretDoc });
  });

  afterAll(async () => {
    for (const r of replicas) await r.service.stop();
    await kubectl(cp, [
      'delete',
      'validatingwebhookconfiguration',
      'plexus-webhooks',
      '--ignore-not-found',
    ]);
    // The namespace stays: the agent and operator files use plexus-system in the same API server
    // at the same time, and a namespace being deleted refuses their objects.
    await kubectl(cp, [
      'delete',
      '--wait=false',
      '--ignore-not-found',
      '-f',
      join(REPO, 'manifests/base/webhooks-rbac.yaml'),
    ]);
    await kubectl(cp, [
      'delete',
      'secret',
      'plexus-webhooks-certs',
      '-n',
      'plexus-system',
      '--ignore-not-found',
    ]);
    await run?.close();
  });

  it('two replicas racing on an empty Secret agree on one certificate and set the caBundle', async () => {
    const token = (
      await kubectl(cp, [
        'create',
        'token',
        'plexus-webhooks',
        '-n',
        'plexus-system',
        '--duration=1h',
      ])
    ).stdout.trim();
    const kubeconfig = join(run.dir, 'sa.kubeconfig');
    writeTokenKubeconfig(kubeconfig, cp.server, cp.caCert, token);
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    // Registered first, without a caBundle: the replicas fill it.
    const url = `https://127.0.0.1:${ports[0]}`;
    await kubectl(cp, ['apply', '-f', '-'], {
      input: JSON.stringify(webhookConfiguration({ target: { url } })),
    });
    const start = async (i: number): Promise<Replica> => {
      const certDir = join(run.dir, `replica-${i}`, 'certs');
      const health = `http://127.0.0.1:${ports[2 + i]}`;
      const service = await startService({
        name: `plexus webhooks replica ${i}`,
        cmd: join(REPO, 'node_modules/.bin/node'),
        args: [
          ...WEBHOOK_NODE_FLAGS,
          join(REPO, 'cli/plexus.ts'),
          'webhooks',
          `--kubeconfig=${kubeconfig}`,
          '--bind-address=127.0.0.1',
          `--port=${ports[i]}`,
          '--health-bind-address=127.0.0.1',
          `--health-port=${ports[2 + i]}`,
          '--cert-source=secret',
          '--cert-secret=plexus-system/plexus-webhooks-certs',
          '--cert-names=127.0.0.1,localhost',
          `--cert-dir=${certDir}`,
          '--webhook-configuration=plexus-webhooks',
        ],
        logFile: join(run.dir, `replica-${i}.log`),
        env: { ...process.env, NODE_COMPILE_CACHE: nodeCompileCacheDir() },
        ready: async (abort) => {
          await waitFor(
            'replica /readyz',
            async () => ((await fetch(`${health}/readyz`)).status === 200 ? true : undefined),
            { timeoutMs: 30_000, abort },
          );
        },
      });
      return { service, url: `https://127.0.0.1:${ports[i]}`, certDir };
    };
    replicas.push(...(await Promise.all([start(0), start(1)])));
    const [a, b] = replicas.map((r) => readFileSync(join(r.certDir, 'tls.crt'), 'utf8'));
    expect(a).toBe(b);
    const secret = (
      await apiRequest(cp, 'GET', '/api/v1/namespaces/plexus-system/secrets/plexus-webhooks-certs')
    ).json as { data: Record<string, string> };
    expect(Buffer.from(secret.data['tls.crt'] ?? '', 'base64').toString()).toBe(a);
    const config = (
      await apiRequest(
        cp,
        'GET',
        '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/plexus-webhooks',
      )
    ).json as { webhooks: { clientConfig: { caBundle?: string } }[] };
    for (const w of config.webhooks) expect(w.clientConfig.caBundle).toBe(secret.data['ca.crt']);
    // Only one of the two wrote the Secret: the other read it (optimistic concurrency).
    const logs = replicas.map((r) => readFileSync(r.service.logFile, 'utf8'));
    expect(
      logs.filter((l) => l.includes('issued webhook certificates into the Secret')),
    ).toHaveLength(1);
  });

  it('serves the API server with only those rights: lists, watches and GETs NADs', async () => {
    await kubectl(cp, ['create', 'namespace', 'whr-a']).catch(() => undefined);
    const nad = {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'bad', namespace: 'whr-a' },
      spec: { config: '{"type":' },
    };
    const res = await waitFor(
      'the API server to call the replica',
      async () => {
        const r = await apiRequest(
          cp,
          'POST',
          '/apis/k8s.cni.cncf.io/v1/namespaces/whr-a/network-attachment-definitions?dryRun=All',
          { body: nad },
        );
        return r.body.includes('network-attachment-definitions.plexus.dev') ? r : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(res.body).toContain('spec.config');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'whr-a',
        annotations: { 'k8s.v1.cni.cncf.io/networks': 'missing' },
      },
      spec: { containers: [{ name: 'c', image: 'x' }] },
    };
    const denied = await apiRequest(cp, 'POST', '/api/v1/namespaces/whr-a/pods?dryRun=All', {
      body: pod,
    });
    expect(denied.status).toBe(422);
    expect(denied.body).toContain('NetworkAttachmentDefinition \\"whr-a/missing\\" does not exist');
    await kubectl(cp, ['delete', 'namespace', 'whr-a', '--wait=false']);
  });

  it('grants what the webhook needs and refuses everything else', async () => {
    const yes = [
      ['list', 'network-attachment-definitions.k8s.cni.cncf.io', '-A'],
      ['watch', 'overlaynetworks.plexus.dev'],
      ['get', 'secrets/plexus-webhooks-certs', '-n', 'plexus-system'],
      ['update', 'secrets/plexus-webhooks-certs', '-n', 'plexus-system'],
      ['update', 'validatingwebhookconfigurations.admissionregistration.k8s.io/plexus-webhooks'],
    ];
    const no = [
      ['list', 'secrets', '-n', 'plexus-system'],
      ['get', 'secrets/other', '-n', 'plexus-system'],
      ['create', 'secrets', '-n', 'plexus-system'],
      ['get', 'secrets/plexus-webhooks-certs', '-n', 'default'],
      ['update', 'validatingwebhookconfigurations.admissionregistration.k8s.io/other'],
      ['delete', 'validatingwebhookconfigurations.admissionregistration.k8s.io/plexus-webhooks'],
      ['create', 'network-attachment-definitions.k8s.cni.cncf.io', '-n', 'default'],
      ['update', 'overlaynetworks.plexus.dev'],
      ['list', 'pods', '-A'],
      ['create', 'mutatingwebhookconfigurations.admissionregistration.k8s.io'],
    ];
    for (const args of yes)
      expect(`${args.join(' ')}: ${await canI(args)}`).toBe(`${args.join(' ')}: yes`);
    for (const args of no)
      expect(`${args.join(' ')}: ${await canI(args)}`).toBe(`${args.join(' ')}: no`);
  });
});
