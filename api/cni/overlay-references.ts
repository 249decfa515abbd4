// Judges the OverlayNetworks a NAD's plexus-overlay plugins name, once the
// caller knows which exist (the webhook from its cache, the CLI from the
// manifest set). A missing one is a warning, not an error: GitOps tools apply
// NADs and OverlayNetworks in no fixed order, and the NAD works as soon as its
// network exists. Pure.
import { warning, type Finding } from '../common/findings.ts';
import { quote } from '../common/quote.ts';
import type { OverlayReference } from './nad-validator.ts';

export function checkOverlayReferences(
  refs: readonly OverlayReference[],
  existing: ReadonlySet<string>,
): Finding[] {
  const findings: Finding[] = [];
  for (const ref of refs) {
    if (existing.has(ref.network)) continue;
    findings.push(
      warning(
        ref.field,
        `OverlayNetwork ${quote(ref.network)} does not exist (yet), so pods attaching this NetworkAttachmentDefinition fail to start until it does`,
        `create OverlayNetwork ${quote(ref.network)}, or correct the name`,
      ),
    );
  }
  return findings;
}
