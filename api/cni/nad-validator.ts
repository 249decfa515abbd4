// The admission seam for NetworkAttachmentDefinitions, shaped as
// controller-runtime's CustomValidator: create and update, called by the
// webhook and `plexus validate`. Pure: the OverlayNetworks that exist come in
// as data; the ones a config names come back as data.
import { appendAll, checked, warning, type Checked, type Finding } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { checkAnnotationValues } from '../common/metadata.ts';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../common/names.ts';
import { quote } from '../common/quote.ts';
import { error } from '../common/findings.ts';
import { checkNadConfig, type NormalizedNetConf } from './nad-config.ts';

/** A NAD as read: its name, and its config when it has one. */
export interface NadValue {
  /** metadata.name; undefined for an object that has only generateName. */
  name?: string;
  /** The normalized config; undefined when spec.config is empty or absent. */
  config?: NormalizedNetConf;
}

/** An OverlayNetwork a plexus-overlay plugin names. */
export interface OverlayReference {
  network: string;
  /** Field path of the plugin's `network`. */
  field: string;
}

export interface NadCheck extends Checked<NadValue> {
  /** The OverlayNetworks the config attaches to. */
  overlayReferences: OverlayReference[];
}

export interface NadValidatorOptions {
  /** Names of the existing OverlayNetworks; undefined skips that check. */
  overlayNetworks?: ReadonlySet<string>;
}

export interface NadValidator {
  create(obj: unknown): NadCheck;
  /** The new object as on create; a changed config warns that attached pods keep the old one. */
  update(oldObj: unknown, newObj: unknown): NadCheck;
}

export function nadValidator(options: NadValidatorOptions = {}): NadValidator {
  const create = (obj: unknown): NadCheck => checkNad(obj, options);
  return {
    create,
    update(oldObj, newObj) {
      const result = create(newObj);
      if (configOf(oldObj) !== configOf(newObj))
        result.findings.push(
          warning(
            'spec.config',
            'pods attached already keep the config they started with',
            're-create those pods to use the new config',
          ),
        );
      return result;
    },
  };
}

function configOf(obj: unknown): unknown {
  return isPlainObject(obj) && isPlainObject(obj.spec) ? obj.spec.config : undefined;
}

function checkNad(obj: unknown, options: NadValidatorOptions): NadCheck {
  if (!isPlainObject(obj))
    return {
      findings: [typeError('', 'a NetworkAttachmentDefinition object', obj)],
      overlayReferences: [],
    };
  const findings: Finding[] = [];
  const meta = isPlainObject(obj.metadata) ? obj.metadata : undefined;
  const name = checkNadName(meta, findings);
  appendAll(findings, checkAnnotationValues(meta?.annotations, 'metadata.annotations'));
  const spec = obj.spec;
  if (spec !== undefined && !isPlainObject(spec)) {
    findings.push(typeError('spec', 'an object', spec));
    return { findings, overlayReferences: [] };
  }
  const result = checkNadConfig(spec?.config, {
    nadName: name ?? '',
    ...(options.overlayNetworks === undefined ? {} : { overlayNetworks: options.overlayNetworks }),
  });
  appendAll(findings, result.findings);
  const config = result.value;
  const value: NadValue = {
    ...(name === undefined ? {} : { name }),
    ...(config === undefined ? {} : { config }),
  };
  return { ...checked(findings, value), overlayReferences: overlayReferencesOf(config) };
}

/** metadata.name: required unless generateName is set, a DNS-1123 subdomain,
 * and a label, or no pod annotation can select it (a warning). */
function checkNadName(
  meta: Record<string, unknown> | undefined,
  findings: Finding[],
): string | undefined {
  if (meta === undefined) {
    findings.push(error('metadata', 'is required', 'add metadata with a name'));
    return undefined;
  }
  const name = meta.name;
  if (name === undefined) {
    if (typeof meta.generateName !== 'string')
      findings.push(
        error('metadata.name', 'is required', 'give the NetworkAttachmentDefinition a name'),
      );
    return undefined;
  }
  if (typeof name !== 'string') {
    findings.push(typeError('metadata.name', 'a string', name));
    return undefined;
  }
  const problem = dns1123SubdomainProblem(name);
  if (problem !== undefined) {
    findings.push(error('metadata.name', `${quote(name)} ${problem}`));
    return undefined;
  }
  if (dns1123LabelProblem(name) !== undefined)
    findings.push(
      warning(
        'metadata.name',
        `${quote(name)} is not a DNS-1123 label, so no pod annotation can select it (the NPWG spec requires labels there)`,
        'use lower-case letters, digits and "-" only',
      ),
    );
  return name;
}

function overlayReferencesOf(config: NormalizedNetConf | undefined): OverlayReference[] {
  if (config === undefined) return [];
  const single = config.raw.plugins === undefined;
  const refs: OverlayReference[] = [];
  config.plugins.forEach((plugin, i) => {
    const network = plugin.network;
    if (plugin.type !== 'plexus-overlay' || typeof network !== 'string') return;
    refs.push({
      network,
      field: single ? 'spec.config.network' : `spec.config.plugins[${i}].network`,
    });
  });
  return refs;
}
