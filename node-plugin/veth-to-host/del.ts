// DEL: removes the veth (and with it every route and neighbour through it), the
// masquerade chain and the state file; puts back default routes routeToHost
// moved when the pod is still there. Needs no valid config and no state:
// the names derive from the container ID and ifname. Succeeds when called
// twice, and when the pod's namespace is gone.
import { readVethToHostConf } from '../../api/cni/index.ts';
import { CniPluginError, CNI_CODES } from './errors.ts';
import { attachmentNames } from './names.ts';
import { checkIdentity, netnsExists, type VethToHostContext } from './context.ts';
import { readState, removeState } from './state.ts';
import { teardown } from './teardown.ts';

export async function del(conf: unknown, ctx: VethToHostContext): Promise<void> {
  checkIdentity(ctx);
  // A config that no longer reads (edited, or from an older version) must not keep a pod's
  // network alive: clean by derived names, and both families' masquerade chains.
  const read = readVethToHostConf(conf).value;
  const names = attachmentNames(ctx.containerId, ctx.ifName, read?.containerInterface);
  const state =
    ctx.stateDir === undefined ? undefined : await readState(ctx.stateDir, names.hostVeth);
  const podThere = await netnsExists(typeof ctx.netns === 'string' ? ctx.netns : '').catch(
    () => false,
  );
  const problems = await teardown({
    hostVeth: names.hostVeth,
    chain: names.chain,
    netns: podThere ? ctx.netns : undefined,
    movedDefaults: state?.movedDefaults ?? [],
    masqFamilies: state?.masqFamilies ?? [],
    maybeMasqFamilies: state === undefined && read?.ipMasq !== false ? [4, 6] : [],
    restoreMustSucceed: false,
  });
  if (problems.length > 0)
    throw new CniPluginError(
      CNI_CODES.systemCommandFailed,
      `veth-to-host DEL could not remove ${names.hostVeth} completely`,
      `${problems.join('; ')} (the state file stays, so DEL can be retried)`,
    );
  if (ctx.stateDir !== undefined) await removeState(ctx.stateDir, names.hostVeth);
}
