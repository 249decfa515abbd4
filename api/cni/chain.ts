// Checks the order of plugins in a network: the first plugin creates the pod's
// interface, later ones work on its result (`prevResult`).
import type { FindingOut } from '../common/finding-sink.ts';
import { quote } from '../common/quote.ts';
import { child, error } from '../common/findings.ts';
import { pluginKind } from './plugin-kinds.ts';

export interface ChainEntry {
  type: string;
  /** Path of the plugin object (`spec.config` or `spec.config.plugins[i]`). */
  path: string;
}

/** `inList` is false for a single-plugin config, which runs without a prevResult. */
export function checkChain(entries: readonly ChainEntry[], inList: boolean, out: FindingOut): void {
  let creator: ChainEntry | undefined;
  let mayCreate = false; // an interface plugin or a third-party one came before
  entries.forEach((e, i) => {
    const kind = pluginKind(e.type);
    const tPath = child(e.path, 'type');
    if (e.type === 'veth-to-host' && !mayCreate) {
      out.push(
        error(
          tPath,
          inList
            ? 'veth-to-host must follow the plugin that creates the pod interface (such as macvlan or ipvlan)'
            : 'veth-to-host is a chained plugin: alone it has no pod interface to connect to the host',
          inList
            ? 'move it after the macvlan/ipvlan plugin in "plugins"'
            : 'use a list: "plugins": [{"type": "macvlan", …}, {"type": "veth-to-host", …}]',
        ),
      );
    } else if (kind === 'chained' && i === 0) {
      out.push(
        error(
          tPath,
          `${e.type} is a chained plugin: it adjusts the interface a plugin before it created and fails when run ${inList ? 'first' : 'alone'}`,
          inList
            ? `move it after the interface plugin in "plugins"`
            : `use a list: "plugins": [{"type": "bridge", …}, {"type": ${quote(e.type)}, …}]`,
        ),
      );
    }
    if (kind === 'interface') {
      if (creator !== undefined) {
        out.push(
          error(
            tPath,
            `${e.type} would create the pod interface a second time; ${creator.type} at ${creator.path} already creates it`,
            'use one interface plugin per NetworkAttachmentDefinition (a pod can attach several networks)',
          ),
        );
      } else {
        creator = e;
      }
    }
    if (kind === 'interface' || kind === 'unknown') mayCreate = true;
  });
}
