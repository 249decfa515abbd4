import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderedCrdFiles } from '../api/crd/index.ts';

const here = dirname(fileURLToPath(import.meta.url));

type Node = { [k: string]: unknown };

/** Every schema node the API server sees must have a type and a description
 * (kubectl explain prints them); maps and lists are walked into. */
function undocumented(node: Node, path: string, out: string[]): void {
  if (path !== '' && typeof node['description'] !== 'string') out.push(path);
  if (typeof node['type'] !== 'string' && node['x-kubernetes-int-or-string'] !== true) out.push(`${path} (no type)`);
  for (const bad of ['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'patternProperties']) {
    if (bad in node) out.push(`${path} (${bad} is not structural)`);
  }
  const props = node['properties'] as Record<string, Node> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) {
    if (path === '' && k === 'metadata') continue;
    undocumented(v, path === '' ? k : `${path}.${k}`, out);
  }
  const items = node['items'] as Node | undefined;
  if (items !== undefined && typeof items === 'object') {
    // List items are described by the list; a nested object still needs its fields described.
    const inner: string[] = [];
    undocumented({ ...items, description: items['description'] ?? 'item' }, `${path}[]`, inner);
    out.push(...inner);
  }
  const add = node['additionalProperties'] as Node | boolean | undefined;
  if (add !== undefined && typeof add === 'object') {
    undocumented({ ...add, description: add['description'] ?? 'value' }, `${path}{}`, out);
  }
}

describe('crds/', () => {
  it('matches what api/ generates (run `npm run gen:crds` after changing api/resources)', async () => {
    const expected = renderedCrdFiles();
    const onDisk = (await readdir(here)).filter((f) => f.endsWith('.yaml')).sort();
    expect(onDisk).toEqual(Object.keys(expected).sort());
    for (const [name, text] of Object.entries(expected)) {
      expect(await readFile(join(here, name), 'utf8'), `crds/${name} is stale: run npm run gen:crds`).toBe(text);
    }
  });

  it('gives every Plexus field a type and a description, and stays structural', () => {
    for (const [name, text] of Object.entries(renderedCrdFiles())) {
      const crd = parse(text) as { spec: { group: string; versions: { schema: { openAPIV3Schema: Node } }[] } };
      const missing: string[] = [];
      for (const v of crd.spec.versions) undocumented(v.schema.openAPIV3Schema, '', missing);
      expect(missing, `${name}: fields without type/description`).toEqual([]);
    }
  });

  it('puts Plexus CRDs in the plexus category with a status subresource and printer columns', () => {
    for (const [name, text] of Object.entries(renderedCrdFiles())) {
      const crd = parse(text) as { spec: { group: string; names: { categories?: string[] }; versions: { subresources?: object; additionalPrinterColumns?: unknown[] }[] } };
      if (crd.spec.group !== 'plexus.dev') {
        // The NAD CRD is the NPWG one, unchanged, so Multus and Plexus can share it.
        expect(crd.spec.names.categories, name).toBeUndefined();
        continue;
      }
      expect(crd.spec.names.categories, name).toEqual(['plexus']);
      expect(crd.spec.versions[0]?.subresources, name).toEqual({ status: {} });
      expect(crd.spec.versions[0]?.additionalPrinterColumns?.length, name).toBeGreaterThan(2);
    }
  });
});
