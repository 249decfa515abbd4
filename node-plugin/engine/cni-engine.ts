// The CNI engine: one request in, the answer out. `plexus` requests run the meta plugin
// (ADD/DEL/CHECK/GC/STATUS); requests for a type served in-process (veth-to-host, as a
// runtime's own chained conflist calls it) go to that plugin; VERSION is answered here.
import { PLEXUS_META_TYPE, SUPPORTED_CNI_VERSIONS } from '../../api/cni/index.ts';
import { CNI_CODES, CniFailure, toCniFailure } from '../cni/cni-error.ts';
import type { CniRequest } from '../cni/cni-request.ts';
import { inProcessPlugin } from '../plugin-registry.ts';
import { addCommand } from './add-command.ts';
import { checkCommand } from './check-command.ts';
import { delCommand } from './del-command.ts';
import type { EngineDeps } from './engine-deps.ts';
import { gcCommand } from './gc-command.ts';
import { readMetaRequest } from './meta-request.ts';

export class CniEngine {
  readonly deps: EngineDeps;

  constructor(deps: EngineDeps) {
    this.deps = deps;
  }

  /** The object to print on success (undefined: print nothing); throws CniFailure. */
  async handle(req: CniRequest): Promise<unknown> {
    if (req.command === 'VERSION')
      return {
        cniVersion: req.cniVersion || '1.0.0',
        supportedVersions: [...SUPPORTED_CNI_VERSIONS],
      };
    const type = typeof req.config.type === 'string' ? req.config.type : '';
    if (type === PLEXUS_META_TYPE) return this.meta(req);
    const plugin = inProcessPlugin(type);
    if (plugin === undefined)
      throw new CniFailure(
        CNI_CODES.invalidConfig,
        `the Plexus agent does not serve plugin type ${JSON.stringify(type.slice(0, 64))}`,
      );
    // A chained plugin run by the runtime itself: prevResult comes in the config.
    const { prevResult, ...conf } = req.config;
    const ctx = this.deps.runner.inProcessContext(type, req);
    const typed = { ...conf, type };
    try {
      if (req.command === 'ADD') return await plugin.add(typed, prevResult, ctx);
      if (req.command === 'DEL') await plugin.del(typed, prevResult, ctx);
      if (req.command === 'CHECK') await plugin.check(typed, prevResult, ctx);
    } catch (e) {
      throw toCniFailure(e, `plugin ${type}`);
    }
    return undefined;
  }

  private async meta(req: CniRequest): Promise<unknown> {
    switch (req.command) {
      case 'ADD':
        return this.whenReady(() => addCommand(this.deps, req));
      case 'DEL':
        return delCommand(this.deps, req);
      case 'CHECK':
        return checkCommand(this.deps, req);
      case 'GC':
        return gcCommand(this.deps, req);
      case 'STATUS': {
        const ready = this.deps.readiness();
        if (ready !== true)
          throw new CniFailure(CNI_CODES.notAvailable, `the Plexus agent is not ready: ${ready}`);
        await this.deps.runner.status(readMetaRequest(req).cluster);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** ADD waits for nothing: an agent that is not ready asks the runtime to try again later. */
  private whenReady<T>(fn: () => Promise<T>): Promise<T> {
    const ready = this.deps.readiness();
    if (ready !== true)
      return Promise.reject(
        new CniFailure(CNI_CODES.tryAgainLater, `the Plexus agent is not ready: ${ready}`),
      );
    return fn();
  }
}
