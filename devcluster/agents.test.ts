// The dev cluster runs the agent as the manifests install it: same Node flags, same RBAC files.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AGENT_NODE_FLAGS, AGENT_RBAC_FILES } from './agents.ts';

const DAEMONSET = fileURLToPath(new URL('../manifests/base/agent-daemonset.yaml', import.meta.url));

describe('dev cluster agents', () => {
  it('run with the DaemonSet’s Node flags', () => {
    const ds = parse(readFileSync(DAEMONSET, 'utf8')) as {
      spec: { template: { spec: { containers: { command: string[]; args: string[] }[] } } };
    };
    const container = ds.spec.template.spec.containers[0];
    expect(container?.command.slice(1, -1)).toEqual(AGENT_NODE_FLAGS);
    expect(container?.args).toEqual(['agent']);
  });

  it('use the RBAC of manifests/base', () => {
    for (const f of AGENT_RBAC_FILES) expect(existsSync(f)).toBe(true);
  });
});
