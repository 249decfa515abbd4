// Steps 3 and 4 of validating a manifest set: index what the set defines, then
// check what objects refer to (pods → NADs, overlay NADs → OverlayNetworks)
// and the OverlayNetworks against each other. Findings go to the object they
// are about, found by its position in the set, never by its name.
import { error, warning } from '../common/findings.ts';
import { quote } from '../common/quote.ts';
import { mayAttachIn, type AttachmentScope } from '../overlay/resolved.ts';
import type { ClusterCidrOptions } from '../overlay/network-set.ts';
import { overlayNetworkValidator } from '../overlay/validator.ts';
import type { CheckedObject } from './object-checks.ts';

/** What the set defines. */
interface SetIndex {
  /** `namespace/name` of every NAD. */
  nads: ReadonlySet<string>;
  /** Names of every OverlayNetwork, valid or not. */
  overlayNames: ReadonlySet<string>;
  /** Where each OverlayNetwork generates its NAD; undefined when the object has
   * errors and its scope cannot be told (then any namespace counts). */
  generated: ReadonlyMap<string, AttachmentScope | undefined>;
}

export function indexObjects(objects: readonly CheckedObject[]): SetIndex {
  const nads = new Set<string>();
  const overlayNames = new Set<string>();
  const generated = new Map<string, AttachmentScope | undefined>();
  for (const o of objects) {
    if (o.source.cls === 'nad') nads.add(`${o.namespace}/${o.name}`);
    if (o.source.cls !== 'overlay' || o.name === '') continue;
    overlayNames.add(o.name);
    generated.set(o.name, o.overlay?.attachment);
  }
  return { nads, overlayNames, generated };
}

/** References to what the set does not define: one finding per missing NAD,
 * on the first object that names it, counting the others. */
export function checkReferences(
  objects: readonly CheckedObject[],
  index: SetIndex,
  strict: boolean,
): void {
  const missing = (o: CheckedObject, field: string, message: string, fix: string): void =>
    void o.findings.push(strict ? error(field, message, fix) : warning(field, message, fix));
  // A count, not a set of objects: an aliased pod repeated thousands of times
  // must not make this grow with the product of objects and references.
  const unresolved = new Map<
    string,
    { first: CheckedObject; field: string; last: CheckedObject; objects: number }
  >();
  for (const o of objects) {
    for (const ref of o.nadReferences) {
      const key = `${ref.namespace}/${ref.name}`;
      if (index.nads.has(key) || generatedIn(index, ref.name, ref.namespace)) continue;
      const seen = unresolved.get(key);
      if (seen === undefined)
        unresolved.set(key, { first: o, field: ref.field, last: o, objects: 1 });
      else if (seen.last !== o) {
        // An object's references come one after another, so this counts each object once.
        seen.last = o;
        seen.objects++;
      }
    }
    for (const ref of o.overlayReferences) {
      if (index.overlayNames.has(ref.network)) continue;
      missing(
        o,
        ref.field,
        `OverlayNetwork ${quote(ref.network)} is not among the validated manifests`,
        'add the OverlayNetwork to the set, or make sure it exists in the cluster',
      );
    }
  }
  for (const [key, u] of unresolved) {
    const others = u.objects - 1;
    missing(
      u.first,
      u.field,
      `NetworkAttachmentDefinition ${key} is not among the validated manifests${others > 0 ? ` (${others} more object(s) name it too)` : ''}`,
      'add it to the set, or make sure it exists in the cluster before these pods are created',
    );
  }
}

function generatedIn(index: SetIndex, name: string, namespace: string): boolean {
  if (!index.generated.has(name)) return false;
  const scope = index.generated.get(name);
  return scope === undefined || mayAttachIn(scope, namespace);
}

/** The resolved OverlayNetworks against each other and the cluster's CIDRs;
 * each finding goes to the object at its position. */
export function checkOverlaySet(objects: readonly CheckedObject[], opts: ClusterCidrOptions): void {
  const owners: CheckedObject[] = [];
  for (const o of objects) if (o.overlay !== undefined) owners.push(o);
  const items = owners.map((o) => o.overlay).filter((v) => v !== undefined);
  for (const { index, finding } of overlayNetworkValidator.set(items, opts))
    (owners[index] as CheckedObject).findings.push(finding);
}
