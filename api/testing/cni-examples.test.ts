import { describe, expect, it } from 'vitest';
import { CNI_CONFIG_EXAMPLES } from './cni-examples.ts';
import { checkNadConfig } from '../cni/nad-config.ts';

describe('examples', () => {
  it('are all distinct', () => {
    expect(new Set(CNI_CONFIG_EXAMPLES.map((e) => e.nadName)).size).toBe(
      CNI_CONFIG_EXAMPLES.length,
    );
  });
  for (const e of CNI_CONFIG_EXAMPLES) {
    it(`${e.nadName} is valid with no warnings`, () => {
      const r = checkNadConfig(e.config, {
        nadName: e.nadName,
        overlayNetworks: new Set(['blue']),
      });
      expect(r.findings).toEqual([]);
      expect(r.value?.name).toBe(e.nadName);
      expect(r.value?.cniVersion).toBe('1.0.0');
    });
  }
});
