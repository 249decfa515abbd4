// The "bandwidth" key of a selection element: CNI's bandwidth capability, with
// the bandwidth plugin's rules (shared with the NAD check in api/common).
import {
  checkBandwidthLimits,
  isBandwidthKey,
  readBandwidthNumber,
  BANDWIDTH_KEYS,
  type BandwidthLimits,
} from '../common/bandwidth.ts';
import { warning } from '../common/findings.ts';
import { isPlainObject, typeError } from '../common/json-value.ts';
import { didYouMean, suggestKey } from '../common/suggest.ts';
import { fieldOf, type KeyPlace } from './element-place.ts';

export function readBandwidth(value: unknown, at: KeyPlace): BandwidthLimits | undefined {
  if (!isPlainObject(value)) {
    at.out.push(
      typeError(
        fieldOf(at),
        'an object',
        value,
        'write e.g. {"ingressRate": 100000000, "ingressBurst": 10000000}',
      ),
    );
    return undefined;
  }
  const limits: BandwidthLimits = {};
  for (const key in value) {
    if (!isBandwidthKey(key)) {
      at.out.push(
        warning(
          fieldOf(at, key),
          'is not a bandwidth key and is ignored',
          didYouMean(suggestKey(key, BANDWIDTH_KEYS), 'remove it'),
        ),
      );
      continue;
    }
    const n = readBandwidthNumber(value[key], key, (k) => fieldOf(at, k), at.out);
    if (n !== undefined) limits[key] = n;
  }
  if (!checkBandwidthLimits(limits, (key) => fieldOf(at, key), at.out))
    at.out.push(
      warning(
        fieldOf(at),
        'sets no rate and has no effect',
        'remove "bandwidth" or set a rate and burst',
      ),
    );
  return limits;
}
