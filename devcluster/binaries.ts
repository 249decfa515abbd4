// Finds kube-apiserver, kubectl and etcd: KUBE_APISERVER_BIN / KUBECTL_BIN /
// ETCD_BIN when set, else the version-keyed cache, else builds them with
// scripts/build-k8s-binaries.sh (which pins the versions and owns the build).
import { accessSync, constants, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBuildScript } from './build-script.ts';

export const BUILD_SCRIPT = fileURLToPath(
  new URL('../scripts/build-k8s-binaries.sh', import.meta.url),
);

export type BinarySource = 'env' | 'cache' | 'built';

export interface Binary {
  path: string;
  source: BinarySource;
}

export interface Binaries {
  kubeApiserver: Binary;
  kubectl: Binary;
  etcd: Binary;
  k8sVersion: string;
  etcdVersion: string;
  /** Seconds spent resolving (and building, when it had to). */
  seconds: number;
}

const ENV_NAMES = {
  kubeApiserver: 'KUBE_APISERVER_BIN',
  kubectl: 'KUBECTL_BIN',
  etcd: 'ETCD_BIN',
} as const;
type Name = keyof typeof ENV_NAMES;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

interface Expected {
  paths: Record<Name, string>;
  k8sVersion: string;
  etcdVersion: string;
}

async function expectedPaths(env: NodeJS.ProcessEnv): Promise<Expected> {
  const vars = await runBuildScript(BUILD_SCRIPT, ['--paths'], {
    env,
    progress: () => {},
    what: `${BUILD_SCRIPT} --paths`,
  });
  const get = (k: string): string => {
    const v = vars.get(k);
    if (!v) throw new Error(`${BUILD_SCRIPT} --paths did not print ${k}`);
    return v;
  };
  return {
    paths: {
      kubeApiserver: get('KUBE_APISERVER_BIN'),
      kubectl: get('KUBECTL_BIN'),
      etcd: get('ETCD_BIN'),
    },
    k8sVersion: get('K8S_VERSION'),
    etcdVersion: get('ETCD_VERSION'),
  };
}

export interface ResolveOptions {
  /** Build what is missing (default true). When false, a missing binary is an error naming it. */
  build?: boolean;
  /** Where build progress goes (default: process.stderr). */
  progress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export async function resolveBinaries(opts: ResolveOptions = {}): Promise<Binaries> {
  const started = performance.now();
  const env = opts.env ?? process.env;
  const progress = opts.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  let expected = await expectedPaths(env);
  const sources = {} as Record<Name, BinarySource>;
  const missing: Name[] = [];
  for (const name of Object.keys(ENV_NAMES) as Name[]) {
    const fromEnv = env[ENV_NAMES[name]];
    if (fromEnv) {
      if (!isExecutable(fromEnv))
        throw new Error(`${ENV_NAMES[name]}=${fromEnv} is not an executable file`);
      sources[name] = 'env';
    } else if (isExecutable(expected.paths[name])) {
      sources[name] = 'cache';
    } else {
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    const what = missing.map((n) => `${n} (${expected.paths[n]})`).join(', ');
    if (opts.build === false) {
      throw new Error(
        `missing Kubernetes binaries: ${what}; run scripts/build-k8s-binaries.sh or set ${missing.map((n) => ENV_NAMES[n]).join('/')}`,
      );
    }
    progress(`[binaries] not cached: ${what}; building from the Go modules (progress follows)`);
    await runBuildScript(BUILD_SCRIPT, [], {
      env,
      progress,
      what: 'building the Kubernetes binaries',
    });
    expected = await expectedPaths(env);
    for (const name of missing) {
      if (!isExecutable(expected.paths[name]))
        throw new Error(`build finished but ${expected.paths[name]} is missing`);
      sources[name] = 'built';
    }
  }
  const bin = (name: Name): Binary => ({ path: expected.paths[name], source: sources[name] });
  return {
    kubeApiserver: bin('kubeApiserver'),
    kubectl: bin('kubectl'),
    etcd: bin('etcd'),
    k8sVersion: expected.k8sVersion,
    etcdVersion: expected.etcdVersion,
    seconds: (performance.now() - started) / 1000,
  };
}
