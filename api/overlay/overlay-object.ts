// Checks one OverlayNetwork object on its own (apiVersion, kind, metadata and
// the spec) and resolves it into the typed value the set check, the update
// rules, the flannel config and the operator use. The webhook, the operator and
// `plexus validate` all call it, so a manifest gets the same words offline and
// at admission.
import { appendAll, checked, error, warning } from '../common/findings.ts';
import type { Checked, Finding } from '../common/findings.ts';
import { describeType, isPlainObject, typeError } from '../common/json-value.ts';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../common/names.ts';
import { quote, quoteValue } from '../common/quote.ts';
import { labelLike } from '../common/suggest.ts';
import { OVERLAY_NETWORK_KEYS, OVERLAY_NETWORK_KIND } from '../resources/overlay-network-names.ts';
import { PLEXUS_API_VERSION } from '../resources/plexus-group.ts';
import { checkOverlayNetworkSpec, checkUnknownKeys } from './overlay-spec.ts';
import { effectiveEtcdPrefix, type ResolvedOverlay } from './resolved.ts';

const TOP_KEYS = OVERLAY_NETWORK_KEYS;

/** Everything wrong with one OverlayNetwork object (parsed YAML/JSON), and the
 * resolved network when nothing is. */
export function checkOverlayNetwork(on: unknown): Checked<ResolvedOverlay> {
  if (!isPlainObject(on))
    return {
      findings: [error('', `an OverlayNetwork must be an object (got ${describeType(on)})`)],
    };
  const findings: Finding[] = [];
  checkUnknownKeys(on, TOP_KEYS, '', findings);
  const expected = { apiVersion: PLEXUS_API_VERSION, kind: OVERLAY_NETWORK_KIND } as const;
  for (const key of ['apiVersion', 'kind'] as const)
    if (on[key] !== expected[key])
      findings.push(
        error(
          key,
          `must be ${expected[key]} (got ${quoteValue(on[key])})`,
          `${key}: ${expected[key]}`,
        ),
      );
  const identity = checkMetadata(on.metadata, findings);
  if (on.spec === undefined) {
    findings.push(error('spec', 'is required', 'add a spec with at least network and backend.vni'));
    return { findings };
  }
  const spec = checkOverlayNetworkSpec(on.spec, 'spec');
  appendAll(findings, spec.findings);
  if (spec.value === undefined || identity === undefined) return { findings };
  const name = identity.name;
  return checked(findings, {
    ...spec.value,
    ...(name === undefined ? {} : { name }),
    label: identity.label,
    ...withEtcdPrefix(effectiveEtcdPrefix(name, spec.value.spec.etcdPrefix)),
  });
}

function withEtcdPrefix(prefix: string | undefined): { etcdPrefix?: string } {
  return prefix === undefined ? {} : { etcdPrefix: prefix };
}

interface Identity {
  name: string | undefined;
  label: string;
}

/** The object's name (or its generateName), or undefined after a finding. */
function checkMetadata(meta: unknown, findings: Finding[]): Identity | undefined {
  if (!isPlainObject(meta)) {
    findings.push(
      meta === undefined
        ? error('metadata', 'is required', 'add metadata.name')
        : typeError('metadata', 'an object', meta, 'add metadata.name'),
    );
    return undefined;
  }
  const { name, generateName, namespace } = meta;
  if (typeof namespace === 'string' && namespace !== '')
    findings.push(
      warning(
        'metadata.namespace',
        'OverlayNetwork is cluster-scoped: the namespace is ignored',
        'remove metadata.namespace',
      ),
    );
  if (name === undefined && typeof generateName === 'string') {
    // The API server appends 5 characters to generateName.
    const p = dns1123LabelProblem(`${generateName}xxxxx`);
    if (p === undefined)
      return {
        name: undefined,
        label: `the OverlayNetwork with generateName ${quote(generateName)}`,
      };
    findings.push(error('metadata.generateName', `with the generated suffix the name ${p}`));
    return undefined;
  }
  if (name === undefined) {
    findings.push(error('metadata.name', 'is required'));
    return undefined;
  }
  if (typeof name !== 'string') {
    findings.push(typeError('metadata.name', 'a string', name));
    return undefined;
  }
  const problem = nameProblem(name);
  if (problem === undefined) return { name, label: `OverlayNetwork ${quote(name)}` };
  findings.push(problem);
  return undefined;
}

function nameProblem(name: string): Finding | undefined {
  const like = labelLike(name);
  const fix = like === undefined ? undefined : `use ${quote(like)}`;
  const sub = dns1123SubdomainProblem(name);
  if (sub !== undefined) return error('metadata.name', `${quote(name)} ${sub}`, fix);
  const label = dns1123LabelProblem(name);
  if (label === undefined) return undefined;
  return error(
    'metadata.name',
    `${quote(name)} ${label}: the NetworkAttachmentDefinitions generated for this network carry its name`,
    fix,
  );
}
