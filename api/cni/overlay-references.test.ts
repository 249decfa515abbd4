// A NAD naming an OverlayNetwork that does not exist is warned about, never rejected.
import { describe, expect, it } from 'vitest';
import { checkOverlayReferences } from './overlay-references.ts';

describe('checkOverlayReferences', () => {
  it('warns for each missing network, at the plugin field, and is silent for existing ones', () => {
    const refs = [
      { network: 'blue', field: 'spec.config.plugins[0].network' },
      { network: 'red', field: 'spec.config.plugins[1].network' },
    ];
    const findings = checkOverlayReferences(refs, new Set(['blue']));
    expect(findings).toEqual([
      {
        field: 'spec.config.plugins[1].network',
        message:
          'OverlayNetwork "red" does not exist (yet), so pods attaching this NetworkAttachmentDefinition fail to start until it does',
        fix: 'create OverlayNetwork "red", or correct the name',
        severity: 'warning',
      },
    ]);
    expect(checkOverlayReferences(refs, new Set(['blue', 'red']))).toEqual([]);
  });
});
