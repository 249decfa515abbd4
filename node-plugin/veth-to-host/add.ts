// ADD: connects the interface the plugin before created to the node through a
// veth pair, and returns prevResult with the veth added. Everything is read and
// planned first; then the pod side, the node side and the masquerade rules are
// applied in one batch each, and any failure rolls back what was applied.
import { asCniError, CniPluginError, CNI_CODES, configError } from './errors.ts';
import { inNetns, mustRun } from './exec.ts';
import { readNodeFacts, readPodFacts, type NodeSnapshot } from './facts.ts';
import { installMasq } from './masq.ts';
import { attachmentNames } from './names.ts';
import { planAttachment, underConfig, type Plan, type PodFacts } from './plan.ts';
import { readPrevResult, resultWithVeth, type PrevResult } from './prev-result.ts';
import { hostAddBatch, podAddBatch } from './render.ts';
import { removeState, writeState, type AttachmentState } from './state.ts';
import { teardown } from './teardown.ts';
import {
  checkIdentity,
  CONFIG_FIELD,
  readConf,
  requireNetns,
  type VethToHostContext,
} from './context.ts';

/** This process's network namespace as the pod's `ip` sees it: where the host end goes. */
function ownNetnsPath(): string {
  return `/proc/${process.pid}/ns/net`;
}

async function runIpBatch(doing: string, netns: string | undefined, lines: readonly string[]) {
  await mustRun(doing, inNetns(netns, ['ip', '-batch', '-']), { input: `${lines.join('\n')}\n` });
}

/** Refuses names that are taken: the pod end in the pod, the host end on the node. */
function checkFree(plan: Plan, node: NodeSnapshot, pod: PodFacts, ifName: string): void {
  if (!pod.links.some((l) => l.ifname === ifName))
    throw new CniPluginError(
      CNI_CODES.invalidEnvironment,
      `CNI_IFNAME ${ifName} is not an interface of the pod`,
      'veth-to-host connects the interface the plugin before it created: put it after macvlan or ipvlan',
    );
  if (pod.links.some((l) => l.ifname === plan.names.podVeth))
    throw new CniPluginError(
      CNI_CODES.invalidConfig,
      `${CONFIG_FIELD}.containerInterface: the pod already has an interface ${plan.names.podVeth}`,
      'choose another containerInterface, or remove it to derive the name from CNI_IFNAME',
    );
  if (node.linkNames.has(plan.names.hostVeth))
    throw new CniPluginError(
      CNI_CODES.systemCommandFailed,
      `the node already has ${plan.names.hostVeth}, this attachment's host interface`,
      'an earlier ADD of this container and ifname was not cleaned up: run DEL for it first',
    );
}

function stateOf(plan: Plan, ctx: VethToHostContext): AttachmentState {
  return {
    version: 1,
    containerId: ctx.containerId,
    ifName: ctx.ifName,
    netns: ctx.netns,
    hostVeth: plan.names.hostVeth,
    podVeth: plan.names.podVeth,
    chain: plan.names.chain,
    masqFamilies: plan.ipMasq ? plan.families.map((f) => f.family) : [],
    movedDefaults: plan.families.flatMap((f) =>
      (f.movedDefaults ?? []).map((route) => ({ family: f.family, route })),
    ),
  };
}

async function apply(plan: Plan, ctx: VethToHostContext): Promise<void> {
  await runIpBatch(
    'creating the veth and the pod’s routes',
    ctx.netns,
    podAddBatch(plan, ownNetnsPath()),
  );
  await runIpBatch('routing the pod’s addresses on the node', undefined, hostAddBatch(plan));
  if (!plan.ipMasq) return;
  for (const f of plan.families) {
    await installMasq({
      chain: plan.names.chain,
      family: f.family,
      podIPs: f.podIPs,
      comment: `plexus veth-to-host ${ctx.containerId} ${ctx.ifName}`,
    });
  }
}

/** Undoes a failed apply; the error then also says what could not be undone. */
async function rollBack(err: unknown, state: AttachmentState, ctx: VethToHostContext) {
  const problems = await teardown({
    hostVeth: state.hostVeth,
    chain: state.chain,
    netns: ctx.netns,
    movedDefaults: state.movedDefaults,
    masqFamilies: state.masqFamilies,
    maybeMasqFamilies: [],
    restoreMustSucceed: true,
  });
  if (problems.length === 0) {
    if (ctx.stateDir !== undefined) await removeState(ctx.stateDir, state.hostVeth);
    return err;
  }
  const e = asCniError(err, 'ADD');
  return new CniPluginError(
    e.code,
    e.msg,
    `${e.details}; rolling back left: ${problems.join('; ')} (DEL for this container removes it)`,
  );
}

/** Reads and plans; throws the CNI error for anything that stops the ADD before a change. */
async function prepare(rawConf: unknown, prevResult: unknown, ctx: VethToHostContext) {
  checkIdentity(ctx);
  const { conf, cniVersion } = readConf(rawConf);
  const prev = readPrevResult(prevResult, ctx.ifName);
  if (prev.value === undefined) throw configError('prevResult', prev.findings);
  await requireNetns(ctx.netns);
  const names = attachmentNames(ctx.containerId, ctx.ifName, conf.containerInterface);
  const [node, pod] = await Promise.all([
    readNodeFacts(conf.hostInterface === undefined),
    readPodFacts(ctx.netns, conf.routeToHost),
  ]);
  const planned = planAttachment({ conf, names, ctx, podIPs: prev.value.podIPs }, { node, pod });
  if (planned.value === undefined)
    throw configError('veth-to-host config', underConfig(planned.findings, CONFIG_FIELD));
  checkFree(planned.value, node, pod, ctx.ifName);
  return { plan: planned.value, prev: prev.value, cniVersion };
}

/** The result for a plan: prevResult plus the veth, default routes pointed at the node. */
function resultOf(plan: Plan, prev: PrevResult, cniVersion: string): Record<string, unknown> {
  const { names } = plan;
  const veth = { ...names, netns: plan.netns, mtu: plan.mtu };
  const moved = plan.routeToHost
    ? plan.families.map((f) => ({ family: f.family, gateway: f.hostIP }))
    : [];
  return resultWithVeth(prev, cniVersion, veth, moved);
}

export async function add(
  conf: unknown,
  prevResult: unknown,
  ctx: VethToHostContext,
): Promise<Record<string, unknown>> {
  const { plan, prev, cniVersion } = await prepare(conf, prevResult, ctx);
  const state = stateOf(plan, ctx);
  if (ctx.stateDir !== undefined)
    await writeState(ctx.stateDir, state).catch((e: unknown) => {
      throw asCniError(e, `writing the state file under ${ctx.stateDir}`);
    });
  try {
    await apply(plan, ctx);
  } catch (e) {
    throw await rollBack(e, state, ctx);
  }
  return resultOf(plan, prev, cniVersion);
}
