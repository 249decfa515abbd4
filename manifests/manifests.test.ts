// The install manifests stay in step with the code: every kustomize resource exists,
// the CRD copies equal what api/ generates, and the operator's Deployment runs with the
// V8 heap limits the benchmark measured.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderedCrdFiles } from '../api/crd/index.ts';
import { OPERATOR_NODE_OPTIONS } from '../devcluster/operator-process.ts';
import { WEBHOOK_NODE_FLAGS } from '../devcluster/webhooks.ts';

const base = join(dirname(fileURLToPath(import.meta.url)), 'base');

describe('manifests/base', () => {
  it('lists only files that exist', async () => {
    const k = parse(await readFile(join(base, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    for (const r of k.resources) expect(existsSync(join(base, r)), r).toBe(true);
  });

  it('carries the CRDs api/ generates (run `npm run gen:crds` after changing api/resources)', async () => {
    for (const [name, text] of Object.entries(renderedCrdFiles()))
      expect(
        await readFile(join(base, 'crds', name), 'utf8'),
        `manifests/base/crds/${name} is stale`,
      ).toBe(text);
  });

  it('runs every part from one image and its type-stripped build', async () => {
    const containers: { file: string; image: string; command: string[] }[] = [];
    for (const file of ['operator.yaml', 'webhooks-deployment.yaml', 'agent-daemonset.yaml'])
      for (const d of parseAllDocuments(await readFile(join(base, file), 'utf8'))) {
        const o = d.toJSON() as {
          spec?: { template?: { spec?: { containers?: { image: string; command: string[] }[] } } };
        };
        for (const c of o.spec?.template?.spec?.containers ?? []) containers.push({ file, ...c });
      }
    expect(containers.map((c) => c.file)).toEqual([
      'operator.yaml',
      'webhooks-deployment.yaml',
      'agent-daemonset.yaml',
    ]);
    expect(new Set(containers.map((c) => c.image)).size).toBe(1);
    for (const c of containers) {
      expect(c.command[0], c.file).toBe('node');
      expect(c.command, c.file).toContain('/usr/lib/plexus/cli/plexus.js');
    }
    const webhooks = containers.find((c) => c.file === 'webhooks-deployment.yaml');
    expect(webhooks?.command.slice(1, -2)).toEqual(WEBHOOK_NODE_FLAGS);
  });

  it('runs the operator with the heap limits it was measured with', async () => {
    const docs = parseAllDocuments(await readFile(join(base, 'operator.yaml'), 'utf8')).map(
      (d) => d.toJSON() as { kind: string; spec?: unknown },
    );
    const deployment = docs.find((d) => d.kind === 'Deployment') as {
      spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    };
    const env = deployment.spec.template.spec.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(OPERATOR_NODE_OPTIONS);
  });
});
