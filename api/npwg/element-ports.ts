// The "portMappings" key of a selection element: CNI's portMappings
// capability, as the portmap plugin reads it.
import { warning } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { quote } from '../common/quote.ts';
import { didYouMean, suggestKey } from '../common/suggest.ts';
import { parseIp } from '../net/ip.ts';
import { fieldOf, type KeyPlace } from './element-place.ts';
import type { PortMapping } from './types.ts';

const PORT_KEYS = ['hostPort', 'containerPort', 'protocol', 'hostIP'] as const;
const PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);

export function readPortMappings(value: unknown, at: KeyPlace): PortMapping[] | undefined {
  if (!Array.isArray(value)) {
    at.out.push(
      typeError(
        fieldOf(at),
        'a list of port mappings',
        value,
        'write e.g. [{"containerPort": 80, "hostPort": 8080, "protocol": "tcp"}]',
      ),
    );
    return undefined;
  }
  const out: PortMapping[] = [];
  for (let j = 0; j < value.length; j++) {
    const mapping = readPortMapping(value[j], at, j);
    if (mapping !== undefined) out.push(mapping);
  }
  return out;
}

function readPortMapping(item: unknown, at: KeyPlace, j: number): PortMapping | undefined {
  if (!isPlainObject(item)) {
    at.out.push(typeError(fieldOf(at, j), 'an object with "containerPort" and "hostPort"', item));
    return undefined;
  }
  const containerPort = readPort(item, 'containerPort', at, j);
  const hostPort = readPort(item, 'hostPort', at, j);
  const mapping: PortMapping = { hostPort: hostPort ?? 0, containerPort: containerPort ?? 0 };
  for (const key in item) {
    if (key === 'containerPort' || key === 'hostPort') continue;
    const v = item[key];
    if (key === 'protocol') readProtocol(v, mapping, at, j);
    else if (key === 'hostIP') readHostIp(v, mapping, at, j);
    else
      at.out.push(
        warning(
          fieldOf(at, j, key),
          'is not a port mapping key and is ignored',
          didYouMean(suggestKey(key, PORT_KEYS), 'remove it'),
        ),
      );
  }
  return containerPort !== undefined && hostPort !== undefined ? mapping : undefined;
}

function readProtocol(v: unknown, mapping: PortMapping, at: KeyPlace, j: number): void {
  if (typeof v !== 'string') at.out.push(typeError(fieldOf(at, j, 'protocol'), 'a string', v));
  else if (!PROTOCOLS.has(v.toLowerCase()))
    at.out.push({
      field: fieldOf(at, j, 'protocol'),
      message: `${quote(v)} is not a protocol portmap supports`,
      fix: 'use "tcp", "udp" or "sctp"',
      severity: 'error',
    });
  else mapping.protocol = v;
}

function readHostIp(v: unknown, mapping: PortMapping, at: KeyPlace, j: number): void {
  if (typeof v !== 'string') at.out.push(typeError(fieldOf(at, j, 'hostIP'), 'a string', v));
  else if (v === '') return;
  else if (parseIp(v) === undefined)
    at.out.push({
      field: fieldOf(at, j, 'hostIP'),
      message: `${quote(v)} is not an IP address`,
      fix: 'write a host address, or leave "hostIP" out to listen on all',
      severity: 'error',
    });
  else mapping.hostIP = v;
}

function readPort(
  item: Record<string, unknown>,
  key: 'containerPort' | 'hostPort',
  at: KeyPlace,
  j: number,
): number | undefined {
  const v = item[key];
  if (v === undefined) {
    at.out.push({
      field: fieldOf(at, j, key),
      message: 'is required (the portmap plugin needs both ports)',
      fix: `add "${key}": <1-65535>`,
      severity: 'error',
    });
    return undefined;
  }
  if (typeof v !== 'number') {
    at.out.push(typeError(fieldOf(at, j, key), 'a port number', v));
    return undefined;
  }
  if (!Number.isInteger(v) || v < 1 || v > 65535) {
    at.out.push({
      field: fieldOf(at, j, key),
      message: `${v} is not a port number`,
      fix: 'use an integer from 1 to 65535',
      severity: 'error',
    });
    return undefined;
  }
  return v;
}
