// The bandwidth plugin's rules for rates and bursts, shared by a pod
// annotation's "bandwidth" (runtime config) and a NAD's bandwidth plugin
// (static config), as the plugin itself applies validateRateAndBurst to both.
// Rates are bits per second, bursts bits.
import { error, type Finding } from './findings.ts';
import { typeError } from './json-value.ts';

export const BANDWIDTH_KEYS = ['ingressRate', 'ingressBurst', 'egressRate', 'egressBurst'] as const;
export type BandwidthKey = (typeof BANDWIDTH_KEYS)[number];

/** CNI's bandwidth entry (capability `bandwidth`, and the plugin's own keys). */
export type BandwidthLimits = Partial<Record<BandwidthKey, number>>;

const DIRECTIONS = ['ingress', 'egress'] as const;
// The plugin rejects burst/8 >= MaxUint32 ("burst cannot be more than 4GB").
const MAX_BURST_BITS = 8 * 4294967295;

type Sink = { push(f: Finding): void };

export function isBandwidthKey(key: string): key is BandwidthKey {
  return (BANDWIDTH_KEYS as readonly string[]).includes(key);
}

/** One rate or burst: a whole non-negative number, or undefined after a finding at `fieldOf(key)`. */
export function readBandwidthNumber(
  v: unknown,
  key: BandwidthKey,
  fieldOf: (key: BandwidthKey) => string,
  out: Sink,
): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  // The path is built only here: on valid input this runs per key per pod.
  const field = fieldOf(key);
  const fix = key.endsWith('Rate')
    ? 'give the rate in bits per second, e.g. 100000000 for 100 Mbit/s'
    : 'give the burst in bits';
  out.push(
    typeof v === 'number'
      ? error(field, `${v} is not a whole non-negative number`, fix)
      : typeError(field, 'a number', v, fix),
  );
  return undefined;
}

/** The plugin's checks per direction: a rate needs a burst and the other way
 * round, bursts stay below 4 GiB, and an explicit zero rate is an error (the
 * plugin skips a zero rate instead of applying it, so it surely meant
 * something else). Returns whether any direction sets a limit. */
export function checkBandwidthLimits(
  b: BandwidthLimits,
  fieldOf: (key: BandwidthKey) => string,
  out: Sink,
): boolean {
  let any = false;
  for (const dir of DIRECTIONS) {
    const rateKey = `${dir}Rate` as const;
    const burstKey = `${dir}Burst` as const;
    const rate = b[rateKey];
    const burst = b[burstKey];
    if (rate === undefined && burst === undefined) continue;
    any = true;
    if (rate === 0) {
      out.push(
        error(
          fieldOf(rateKey),
          `must be greater than 0 (bits per second); a zero ${dir} rate sets no limit`,
          `remove "${rateKey}"${burst === undefined ? '' : ` and "${burstKey}"`} for no limit, or give the rate, e.g. 100000000 for 100 Mbit/s`,
        ),
      );
    } else if (rate === undefined && burst !== undefined && burst > 0) {
      out.push(
        error(
          fieldOf(burstKey),
          `needs "${rateKey}": the bandwidth plugin rejects a burst without a rate`,
          `add "${rateKey}" in bits per second`,
        ),
      );
    } else if (rate !== undefined && (burst === undefined || burst === 0)) {
      out.push(
        error(
          fieldOf(rateKey),
          `needs "${burstKey}": the bandwidth plugin rejects a rate without a burst`,
          `add "${burstKey}" in bits (the token-bucket size)`,
        ),
      );
    } else if (burst !== undefined && burst >= MAX_BURST_BITS) {
      out.push(
        error(
          fieldOf(burstKey),
          'is too large: the bandwidth plugin caps bursts below 4 GiB (34359738360 bits)',
          'use a smaller burst',
        ),
      );
    }
  }
  return any;
}
