// What the dev cluster (e2e suite, `plexus dev`) needs from the machine, checked up
// front so a missing piece is named instead of showing up as a confusing failure.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SYSTEM_CNI_BIN_DIR } from './hosts.ts';

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => {
    try {
      accessSync(join(d, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Missing parts, each a short phrase naming the part and how to get it. Empty when all is there. */
export function missingPrereqs(): string[] {
  const missing: string[] = [];
  const uid = process.getuid?.();
  if (uid !== 0)
    missing.push(`root (running as uid ${uid ?? 'unknown'}; network namespaces need root)`);
  for (const cmd of ['ip', 'ping', 'iptables', 'openssl', 'sysctl', 'setpriv']) {
    if (!onPath(cmd)) missing.push(`${cmd} (npm run setup installs it)`);
  }
  for (const plugin of ['bridge', 'host-local', 'portmap']) {
    if (!existsSync(join(SYSTEM_CNI_BIN_DIR, plugin))) {
      missing.push(
        `${SYSTEM_CNI_BIN_DIR}/${plugin} (Debian containernetworking-plugins; npm run setup)`,
      );
    }
  }
  const given = ['KUBE_APISERVER_BIN', 'KUBECTL_BIN', 'ETCD_BIN', 'CNI_PLUGINS_DIR'];
  if (!given.every((v) => process.env[v]) && !onPath('go'))
    missing.push(
      `go (to build kube-apiserver, kubectl, etcd and the CNI plugins) or ${given.join(', ')}`,
    );
  return missing;
}
