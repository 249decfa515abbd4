// Field checks for the reference plugins (containernetworking/plugins), from
// their NetConf structs and loadConf checks. Only known fields are checked:
// unknown keys are ignored by the plugins and allowed by the CNI spec.
import type { FindingOut } from '../common/finding-sink.ts';
import {
  BANDWIDTH_KEYS,
  checkBandwidthLimits,
  readBandwidthNumber,
  type BandwidthLimits,
} from '../common/bandwidth.ts';
import { child, error, warning } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { quote } from '../common/quote.ts';
import { parseMac } from '../net/ip.ts';
import {
  checkNetworkCidr,
  optArray,
  optBool,
  optIfName,
  optInt,
  optMtu,
  optObject,
  optString,
  optUnicastMac,
  type Json,
  type KeyOf,
} from './field-readers.ts';
import { checkMisspeltKeys, KNOWN_KEYS } from './known-keys.ts';

type FieldCheck = (p: Json, path: string, out: FindingOut) => void;

function optEnum(at: KeyOf, allowed: readonly string[], out: FindingOut): void {
  const v = optString(at.o, at.key, at.base, out);
  // "" is Go's zero value: the plugins take it as their default.
  if (v === undefined || v === '' || allowed.includes(v)) return;
  const lower = v.toLowerCase();
  const fix = allowed.includes(lower)
    ? `write "${lower}" in lower case`
    : `use one of: ${allowed.join(', ')}`;
  out.push(error(child(at.base, at.key), `${quote(v)} is not one of ${allowed.join(', ')}`, fix));
}

function bools(p: Json, path: string, out: FindingOut, keys: readonly string[]): void {
  for (const k of keys) optBool(p, k, path, out);
}

const macvlan: FieldCheck = (p, path, out) => {
  optIfName(p, 'master', path, out);
  optEnum({ o: p, key: 'mode', base: path }, ['bridge', 'private', 'vepa', 'passthru'], out);
  optMtu(p, path, out);
  optUnicastMac(p, 'mac', path, out);
  optBool(p, 'linkInContainer', path, out);
};

const ipvlan: FieldCheck = (p, path, out) => {
  optIfName(p, 'master', path, out);
  optEnum({ o: p, key: 'mode', base: path }, ['l2', 'l3', 'l3s'], out);
  optMtu(p, path, out);
  optBool(p, 'linkInContainer', path, out);
};

const bridge: FieldCheck = (p, path, out) => {
  optIfName(p, 'bridge', path, out);
  bools(p, path, out, [
    'isGateway',
    'isDefaultGateway',
    'forceAddress',
    'ipMasq',
    'hairpinMode',
    'promiscMode',
    'preserveDefaultVlan',
    'macspoofchk',
    'enabledad',
    'disableContainerInterface',
    'portIsolation',
  ]);
  optInt({ o: p, key: 'vlan', base: path }, [0, 4094], out);
  optMtu(p, path, out);
  optUnicastMac(p, 'mac', path, out);
  const trunks = optArray(p, 'vlanTrunk', path, out);
  trunks?.forEach((t, i) => checkVlanTrunk(t, child(child(path, 'vlanTrunk'), i), out));
};

/** One bridge `vlanTrunk` entry: {id} or {minID, maxID}, IDs 1–4094. */
function checkVlanTrunk(t: unknown, path: string, out: FindingOut): void {
  if (!isPlainObject(t)) {
    out.push(typeError(path, 'an object', t));
    return;
  }
  checkMisspeltKeys({ obj: t, path, owner: 'a vlanTrunk entry' }, KNOWN_KEYS.vlanTrunk, out);
  const id = optInt({ o: t, key: 'id', base: path }, [1, 4094], out);
  const min = optInt({ o: t, key: 'minID', base: path }, [1, 4094], out);
  const max = optInt({ o: t, key: 'maxID', base: path }, [1, 4094], out);
  if ((t.minID === undefined) !== (t.maxID === undefined)) {
    const missing = t.minID === undefined ? 'minID' : 'maxID';
    out.push(error(child(path, missing), 'minID and maxID go together', `add "${missing}"`));
  } else if (min !== undefined && max !== undefined && min > max) {
    out.push(
      error(child(path, 'minID'), `${min} is greater than maxID ${max}`, 'swap minID and maxID'),
    );
  } else if (id === undefined && t.id === undefined && t.minID === undefined) {
    out.push(error(path, 'sets no VLAN', 'add "id", or "minID" and "maxID"'));
  }
}

const vlan: FieldCheck = (p, path, out) => {
  const master = optIfName(p, 'master', path, out);
  if (master === undefined && (p.master === undefined || p.master === '')) {
    out.push(
      error(
        child(path, 'master'),
        'is required: it names the host interface the VLAN sits on',
        'add "master": "eth1"',
      ),
    );
  }
  if (p.vlanId === undefined) {
    out.push(error(child(path, 'vlanId'), 'is required', 'add "vlanId" (0–4094)'));
  } else {
    optInt({ o: p, key: 'vlanId', base: path }, [0, 4094], out);
  }
  optMtu(p, path, out);
  optBool(p, 'linkInContainer', path, out);
};

const PCI_ADDRESS = /^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/;
const PCI_SHORT = /^[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/;

const hostDevice: FieldCheck = (p, path, out) => {
  const selectors = ['device', 'hwaddr', 'kernelpath', 'pciBusID'].filter(
    (k) => p[k] !== undefined && p[k] !== '',
  );
  optIfName(p, 'device', path, out);
  const hwaddr = optString(p, 'hwaddr', path, out);
  if (hwaddr !== undefined && hwaddr !== '' && parseMac(hwaddr) === undefined) {
    out.push(
      error(
        child(path, 'hwaddr'),
        `${quote(hwaddr)} is not a MAC address`,
        'write six hex pairs, e.g. 52:54:00:12:34:56',
      ),
    );
  }
  const kernelpath = optString(p, 'kernelpath', path, out);
  if (
    kernelpath !== undefined &&
    kernelpath !== '' &&
    (!kernelpath.startsWith('/sys/devices/') || kernelpath.split('/').includes('..'))
  ) {
    out.push(
      error(
        child(path, 'kernelpath'),
        `${quote(kernelpath)} must be an absolute path under /sys/devices/`,
        'e.g. "/sys/devices/pci0000:00/0000:00:19.0"',
      ),
    );
  }
  const pci = optString(p, 'pciBusID', path, out);
  if (pci !== undefined && pci !== '' && !PCI_ADDRESS.test(pci)) {
    out.push(
      error(
        child(path, 'pciBusID'),
        `${quote(pci)} is not a PCI address (domain:bus:device.function)`,
        PCI_SHORT.test(pci)
          ? `add the domain: "0000:${pci}"`
          : 'write it as shown by lspci -D, e.g. "0000:03:00.1"',
      ),
    );
  }
  checkDeviceSelectors(p, selectors, path, out);
};

/** host-device moves exactly one device: named by one selector, or by Multus'
 * runtimeConfig.deviceID (capability deviceID) for SR-IOV. */
function checkDeviceSelectors(p: Json, selectors: string[], path: string, out: FindingOut): void {
  const runtimeConfig = isPlainObject(p.runtimeConfig) ? p.runtimeConfig : undefined;
  const fromRuntime =
    (isPlainObject(p.capabilities) && p.capabilities.deviceID === true) ||
    typeof runtimeConfig?.deviceID === 'string';
  const keepOne = 'keep exactly one of "device", "hwaddr", "kernelpath" or "pciBusID"';
  if (selectors.length === 0 && !fromRuntime)
    out.push(
      error(
        path,
        'host-device needs the device to move into the pod',
        'set exactly one of "device", "hwaddr", "kernelpath" or "pciBusID"',
      ),
    );
  else if (selectors.length > 1)
    out.push(
      error(
        child(path, selectors[1] as string),
        `${selectors.join(' and ')} are ${selectors.length === 2 ? 'both' : 'all'} set; host-device uses only the first it finds (${selectors[0]})`,
        keepOne,
      ),
    );
}

const ptp: FieldCheck = (p, path, out) => {
  optBool(p, 'ipMasq', path, out);
  optMtu(p, path, out);
};

const tuning: FieldCheck = (p, path, out) => {
  optMtu(p, path, out);
  optUnicastMac(p, 'mac', path, out);
  bools(p, path, out, ['promisc', 'allmulti']);
  optInt({ o: p, key: 'txQLen', base: path }, [0, 2 ** 31 - 1], out);
  optString(p, 'dataDir', path, out);
  const sysctl = optObject(p, 'sysctl', path, out);
  if (sysctl === undefined) return;
  for (const [key, value] of Object.entries(sysctl)) {
    const kPath = child(child(path, 'sysctl'), key);
    if (typeof value !== 'string') out.push(typeError(kPath, 'a string', value));
    // tuning refuses anything outside /proc/sys/net (it turns dots into slashes).
    if (!/^net[./]/.test(key)) {
      out.push(
        error(
          kPath,
          `${quote(key)} is not a network sysctl; tuning only sets net.* keys`,
          'remove it, or set it on the node instead',
        ),
      );
    }
  }
};

const portmap: FieldCheck = (p, path, out) => {
  bools(p, path, out, ['snat', 'masqAll']);
  optInt({ o: p, key: 'markMasqBit', base: path }, [0, 31], out);
  optString(p, 'externalSetMarkChain', path, out);
  optEnum({ o: p, key: 'backend', base: path }, ['iptables', 'nftables'], out);
  for (const key of ['conditionsV4', 'conditionsV6']) {
    optArray(p, key, path, out)?.forEach((c, i) => {
      if (typeof c !== 'string') out.push(typeError(child(child(path, key), i), 'a string', c));
    });
  }
  const caps = isPlainObject(p.capabilities) ? p.capabilities : undefined;
  if (caps?.portMappings !== true) {
    out.push(
      warning(
        child(path, 'capabilities'),
        'portmap does nothing without the portMappings capability: the runtime only passes port mappings to plugins that ask',
        'add "capabilities": {"portMappings": true}',
      ),
    );
  }
};

const bandwidth: FieldCheck = (p, path, out) => {
  const limits: BandwidthLimits = {};
  let invalid = false;
  for (const key of BANDWIDTH_KEYS) {
    if (p[key] === undefined) continue;
    const n = readBandwidthNumber(p[key], key, (k) => child(path, k), out);
    if (n === undefined) invalid = true;
    else limits[key] = n;
  }
  // A key that was present but invalid already has its finding.
  const any = checkBandwidthLimits(limits, (key) => child(path, key), out) || invalid;
  checkShapedSubnets(p, path, out);
  const caps = isPlainObject(p.capabilities) ? p.capabilities : undefined;
  if (!any && caps?.bandwidth !== true) {
    out.push(
      warning(
        path,
        'bandwidth sets no limit: no rates and no bandwidth capability',
        'set ingressRate/ingressBurst or egressRate/egressBurst, or add "capabilities": {"bandwidth": true}',
      ),
    );
  }
};

function checkShapedSubnets(p: Json, path: string, out: FindingOut): void {
  const shaped = optArray(p, 'shapedSubnets', path, out);
  const unshaped = optArray(p, 'unshapedSubnets', path, out);
  shaped?.forEach((c, i) => checkNetworkCidr(c, child(child(path, 'shapedSubnets'), i), out));
  unshaped?.forEach((c, i) => checkNetworkCidr(c, child(child(path, 'unshapedSubnets'), i), out));
  if (shaped !== undefined && shaped.length > 0 && unshaped !== undefined && unshaped.length > 0) {
    out.push(
      error(
        child(path, 'unshapedSubnets'),
        'cannot be used together with shapedSubnets',
        'keep one of the two lists',
      ),
    );
  }
}

const CHECKS: Readonly<Record<string, FieldCheck>> = {
  macvlan,
  ipvlan,
  bridge,
  vlan,
  'host-device': hostDevice,
  ptp,
  tuning,
  portmap,
  bandwidth,
};

/** Checks the type-specific fields of a reference plugin; other types pass. */
export function checkReferencePluginFields(
  type: string,
  p: Json,
  path: string,
  out: FindingOut,
): void {
  if (Object.hasOwn(CHECKS, type)) (CHECKS[type] as FieldCheck)(p, path, out);
}
