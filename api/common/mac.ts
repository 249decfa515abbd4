// The MAC rule for an address an interface will carry (a pod annotation's
// "mac", a plugin's "mac"): a 6-byte unicast address that is not all zeros.
import { isMulticastMac, isZeroMac, parseMac } from '../net/ip.ts';
import { error, type Finding } from './findings.ts';
import { quote } from './quote.ts';

// IP-over-InfiniBand hardware addresses are 20 bytes (NPWG spec §4.1.2.1.4).
const IPOIB_HWADDR = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){19}$/;

interface MacRuleOptions {
  /** Accept a 20-byte IPoIB address too (the NPWG selection element does). */
  allowInfiniband?: boolean;
}

/** The lower-case colon form of `text` when an interface may carry it;
 * otherwise records why not at `field` and returns undefined. */
export function checkInterfaceMac(
  text: string,
  field: string,
  out: { push(f: Finding): void },
  opts: MacRuleOptions = {},
): string | undefined {
  const mac = parseMac(text);
  if (mac === undefined) {
    if (opts.allowInfiniband === true && IPOIB_HWADDR.test(text)) return text.toLowerCase();
    out.push(
      error(
        field,
        `${quote(text)} is not a MAC address`,
        'write 6 hex bytes such as "02:23:45:67:89:01"',
      ),
    );
    return undefined;
  }
  if (isZeroMac(mac)) {
    out.push(
      error(
        field,
        'the all-zero MAC cannot be assigned to an interface',
        'use a locally administered unicast address such as "02:00:00:00:00:01"',
      ),
    );
    return undefined;
  }
  if (isMulticastMac(mac)) {
    const first = mac.bytes[0] ?? 0;
    const unicast = [
      ((first & 0xfe) | 0x02).toString(16).padStart(2, '0'),
      ...mac.text.split(':').slice(1),
    ].join(':');
    out.push(
      error(
        field,
        `${quote(text)} is a multicast or broadcast address (lowest bit of the first byte set); no interface can use it`,
        `use a unicast address such as "${unicast}"`,
      ),
    );
    return undefined;
  }
  return mac.text;
}
