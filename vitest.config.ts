import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './summary-reporter.ts'],
    // The e2e global teardown stops etcd and kube-apiserver and removes namespaces.
    teardownTimeout: 120_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['node_modules/**', '**/*.e2e.test.ts'],
        },
      },
      {
        // Against a real kube-apiserver/etcd and network namespaces: needs root
        // (fails with a clear message otherwise, unless PLEXUS_SKIP_E2E=1).
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          exclude: ['node_modules/**'],
          globalSetup: ['e2e/global-setup.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          // The first run may build kube-apiserver/etcd from source (10-25 min on 2 cores).
          hookTimeout: 40 * 60_000,
        },
      },
    ],
  },
});
