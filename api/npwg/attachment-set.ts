// Checks across all attachments of one pod: interface names must be unique
// (spec §4.1.2.1.5: a name already used must fail the attachment), one
// element carrying "default-route" (spec v1.3), and no two port
// mappings may claim the same host port.
import { child, error, warning, type Finding } from '../common/findings.ts';
import type { FindingSink } from '../common/finding-sink.ts';
import { quote } from '../common/quote.ts';
import type { ResolvedAttachment } from './types.ts';

export interface AttachmentEntry {
  attachment: ResolvedAttachment;
  /** Field path of the element (`…networks][i]`). */
  field: string;
  /** True for the `v1.multus-cni.io/default-network` element. */
  isDefaultNetwork?: boolean;
}

// Every network namespace has a loopback device named `lo`.
const ALWAYS_PRESENT = 'lo';
// Fallback tunnel devices the kernel creates in every new network namespace
// when the matching module is loaded (unless net.core.fb_tunnels_only_for_init_net=1).
const FALLBACK_TUNNELS: ReadonlySet<string> = new Set([
  'tunl0',
  'sit0',
  'ip6tnl0',
  'gre0',
  'gretap0',
  'erspan0',
  'ip6gre0',
  'ip_vti0',
  'ip6_vti0',
]);

function describe(e: AttachmentEntry): string {
  const a = e.attachment;
  return e.isDefaultNetwork === true
    ? `the default network ${a.namespace}/${a.name}`
    : `element ${a.index} (${a.namespace}/${a.name})`;
}

function isWildcardHost(ip: string | undefined): boolean {
  return ip === undefined || ip === '' || ip === '0.0.0.0' || ip === '::';
}

/** Adds the findings for conflicts between entries. `clusterInterface` is
 * the cluster network's interface when no default-network entry is given. */
export function checkAttachmentSet(
  entries: readonly AttachmentEntry[],
  clusterInterface: string,
  out: FindingSink,
): void {
  checkInterfaces(entries, clusterInterface, out);
  checkDefaultRoutes(entries, out);
  checkHostPorts(entries, out);
}

function checkInterfaces(
  entries: readonly AttachmentEntry[],
  clusterInterface: string,
  out: FindingSink,
): void {
  const owners = new Map<string, AttachmentEntry>();
  // With a default-network entry, that entry owns the cluster interface's name.
  const hasDefault = entries.some((e) => e.isDefaultNetwork === true);
  for (const e of entries) {
    const name = e.attachment.interface;
    if (!reservedNameOk(e, hasDefault ? undefined : clusterInterface, out)) continue;
    const owner = owners.get(name);
    if (owner === undefined) owners.set(name, e);
    else out.push(clashFinding(e, owner));
  }
}

function interfaceField(e: AttachmentEntry): string {
  return e.attachment.interfaceRequested ? child(e.field, 'interface') : e.field;
}

/** Checks a name against the names every pod has; false when it cannot be used at all. */
function reservedNameOk(
  e: AttachmentEntry,
  clusterInterface: string | undefined,
  out: FindingSink,
): boolean {
  const name = e.attachment.interface;
  const at = interfaceField(e);
  if (name === ALWAYS_PRESENT) {
    out.push(
      error(
        at,
        '"lo" is the loopback device every pod already has',
        'choose another interface name',
      ),
    );
    return false;
  }
  if (FALLBACK_TUNNELS.has(name))
    out.push(
      warning(
        at,
        `${quote(name)} is created in every pod by the kernel when its tunnel module is loaded, so the attachment can fail`,
        'choose another interface name',
      ),
    );
  if (name !== clusterInterface) return true;
  out.push(
    error(
      at,
      `${quote(name)} is the cluster network's interface`,
      'choose another interface name, e.g. "net1"',
    ),
  );
  return false;
}

/** Two entries with one interface name: reported where the user can change it. */
function clashFinding(e: AttachmentEntry, owner: AttachmentEntry): Finding {
  const a = e.attachment;
  const o = owner.attachment;
  const name = quote(a.interface);
  if (a.interfaceRequested && !o.interfaceRequested)
    // Cannot happen in order (generated names are unique and come from the
    // index), kept for entries passed in any order.
    return error(
      interfaceField(e),
      `${name} is the name generated for ${describe(owner)}`,
      'choose another interface name',
    );
  if (!a.interfaceRequested && o.interfaceRequested)
    // Report at the requested name: that is the one the user can change.
    return error(
      child(owner.field, 'interface'),
      `${name} is also the name generated for ${describe(e)} (attachments without a name get net<position>)`,
      `choose another interface name, or name ${describe(e)} explicitly`,
    );
  return error(
    interfaceField(e),
    `interface ${name} is already used by ${describe(owner)}`,
    'give each attachment its own interface name',
  );
}

function checkDefaultRoutes(entries: readonly AttachmentEntry[], out: FindingSink): void {
  // The spec lets one element carry "default-route": the pod's default
  // route(s) then point through that attachment's interface. Two carriers
  // would leave the outcome to the order the delegates happen to run in.
  let owner: AttachmentEntry | undefined;
  for (const e of entries) {
    const gateways = e.attachment['default-route'];
    if (gateways === undefined || gateways.length === 0) continue;
    if (owner === undefined) {
      owner = e;
      continue;
    }
    out.push(
      error(
        child(e.field, 'default-route'),
        `${describe(owner)} already carries "default-route"; at most one element of the list may`,
        'keep "default-route" on one attachment only (it may list one IPv4 and one IPv6 gateway)',
      ),
    );
  }
}

interface HostBinding {
  entry: AttachmentEntry;
  hostIP: string | undefined;
}

function checkHostPorts(entries: readonly AttachmentEntry[], out: FindingSink): void {
  let bindings: Map<string, HostBinding[]> | undefined;
  for (const e of entries) {
    const mappings = e.attachment.portMappings;
    if (mappings === undefined) continue;
    for (let j = 0; j < mappings.length; j++) {
      const m = mappings[j];
      if (m === undefined) continue;
      const key = `${(m.protocol ?? 'tcp').toLowerCase()}/${m.hostPort}`;
      bindings ??= new Map();
      const list = bindings.get(key);
      const here: HostBinding = { entry: e, hostIP: m.hostIP };
      if (list === undefined) {
        bindings.set(key, [here]);
        continue;
      }
      const clash = list.find(
        (b) => isWildcardHost(b.hostIP) || isWildcardHost(m.hostIP) || b.hostIP === m.hostIP,
      );
      if (clash !== undefined) {
        out.push(
          error(
            child(child(child(e.field, 'portMappings'), j), 'hostPort'),
            `host port ${key} is already mapped${clash.entry === e ? ' earlier in this list' : ` by ${describe(clash.entry)}`}`,
            'use a different host port, or distinct hostIP addresses',
          ),
        );
      }
      list.push(here);
    }
  }
}
