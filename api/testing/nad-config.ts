// Builders for NAD config checks in tests: one plugin or a list, and the
// fields of the errors and warnings a check found.
import type { Finding } from '../common/findings.ts';
import { checkNadConfig, type NadConfigOptions, type NadConfigResult } from '../cni/nad-config.ts';

/** Checks a single-plugin config built from `plugin` (cniVersion 1.0.0 added). */
export function single(
  plugin: Record<string, unknown>,
  opts: Partial<NadConfigOptions> = {},
): NadConfigResult {
  return checkNadConfig(JSON.stringify({ cniVersion: '1.0.0', ...plugin }), {
    nadName: 'net',
    ...opts,
  });
}

/** Checks a conflist built from `plugins`. */
export function list(plugins: unknown[], opts: Partial<NadConfigOptions> = {}): NadConfigResult {
  return checkNadConfig(JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins }), {
    nadName: 'net',
    ...opts,
  });
}

export function errorFields(r: NadConfigResult | Finding[]): string[] {
  const fs = Array.isArray(r) ? r : r.findings;
  return fs.filter((f) => f.severity === 'error').map((f) => f.field);
}

export function warningFields(r: NadConfigResult | Finding[]): string[] {
  const fs = Array.isArray(r) ? r : r.findings;
  return fs.filter((f) => f.severity === 'warning').map((f) => f.field);
}

export const HOST_LOCAL = { type: 'host-local', ranges: [[{ subnet: '10.1.0.0/24' }]] };
