import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { buildCrd, toStructuralSchema } from './build.ts';

describe('toStructuralSchema', () => {
  it('turns TypeBox maps into additionalProperties and leaves metadata to the API server', () => {
    const schema = Type.Object({
      metadata: Type.Object({ name: Type.String() }, { description: 'meta' }),
      spec: Type.Object(
        {
          labels: Type.Record(Type.String(), Type.String({ description: 'v' }), {
            description: 'a map',
          }),
          list: Type.Array(Type.Object({ a: Type.Integer({ description: 'a' }) }), {
            description: 'l',
          }),
          opt: Type.Optional(Type.Boolean({ description: 'o', default: false })),
        },
        { description: 's', 'x-kubernetes-validations': [{ rule: 'true', message: 'm' }] },
      ),
    });
    const s = toStructuralSchema(schema) as { properties: Record<string, Record<string, unknown>> };
    expect(s.properties['metadata']).toEqual({ type: 'object' });
    const spec = s.properties['spec'] as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
      'x-kubernetes-validations': unknown;
    };
    expect(spec.properties['labels']).toEqual({
      type: 'object',
      description: 'a map',
      additionalProperties: { type: 'string', description: 'v' },
    });
    expect(spec.required).toEqual(['labels', 'list']);
    expect(spec['x-kubernetes-validations']).toEqual([{ rule: 'true', message: 'm' }]);
    expect(JSON.stringify(s)).not.toContain('patternProperties');
  });

  it('builds a CRD with names, scope, status subresource and printer columns', () => {
    const crd = buildCrd({
      group: 'example.dev',
      version: 'v1',
      kind: 'Thing',
      plural: 'things',
      singular: 'thing',
      shortNames: ['th'],
      categories: ['plexus'],
      scope: 'Cluster',
      schema: Type.Object({ spec: Type.Object({}, { description: 'd' }) }),
      statusSubresource: true,
      printerColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
    }) as {
      metadata: { name: string };
      spec: { names: Record<string, unknown>; scope: string; versions: Record<string, unknown>[] };
    };
    expect(crd.metadata.name).toBe('things.example.dev');
    expect(crd.spec.names).toEqual({
      kind: 'Thing',
      listKind: 'ThingList',
      plural: 'things',
      singular: 'thing',
      shortNames: ['th'],
      categories: ['plexus'],
    });
    expect(crd.spec.versions[0]?.['subresources']).toEqual({ status: {} });
    expect(crd.spec.versions[0]?.['additionalPrinterColumns']).toEqual([
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
  });
});
