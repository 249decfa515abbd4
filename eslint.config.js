// Lint rules: typescript-eslint's recommended set, a ban on `any` (public
// surfaces must be typed; unknown + narrowing is the tool instead), at most 4
// parameters per function, and the import zones that hold the architecture
// (docs in each block; eslint.config.test.ts proves each zone fails on a wrong
// import). Formatting is Prettier's job (width 100, `npm run format`);
// eslint-config-prettier turns off the stylistic rules that would fight it.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// Import sources are matched as written; ours are relative with a `.ts`
// extension, so a top-level folder shows as `../<folder>/` (any depth).
const into = (folders) => `^(\\.{1,2}/)+(${folders.join('|')})(/|$)`;
// Outside api/, only api/<folder>/index.ts: each folder's index states its public face.
const API_ONLY_THROUGH_INDEX = {
  regex: '^(\\.{1,2}/)+api/(?![a-z-]+/index\\.ts$)',
  message: 'import api/ only through a folder index (api/<folder>/index.ts), its public face',
};
const NO_CLI_OR_E2E = {
  regex: into(['cli', 'e2e']),
  message: 'nothing imports cli/ (the entry point) or e2e/ (tests): move shared code down',
};
const builtins = builtinModules.filter((m) => !m.startsWith('_')).join('|');
const API_IS_PURE = [
  {
    regex: `^(node:|(${builtins})(/|$))`,
    message: 'api/ is pure: no Node built-ins (no I/O); take data as arguments instead',
  },
  {
    regex: into(['lib', 'operator', 'webhooks', 'node-plugin', 'cli', 'devcluster', 'e2e']),
    message: 'api/ imports nothing above it: it is the pure layer everything else uses',
  },
];
/** Inside api/: a domain folder reaches another only through api/common (and
 * api/net, api/resources); test fixtures are for tests. */
const apiFolder = (others) => ({
  regex: `^\\.\\./(${others.join('|')})/`,
  message: `this api/ folder does not import ${others.join(', ')}: share a rule through api/common`,
});
const NO_TESTING = {
  regex: '^\\.\\./testing/',
  message: 'api/testing holds test fixtures: production code never imports it',
};

/** One block of import rules; a file matched by several blocks gets the last one. */
function zone(files, patterns, extra = {}) {
  return {
    files,
    rules: { 'no-restricted-imports': ['error', { patterns }], ...extra },
  };
}

const RESTRICTED_GLOBALS = [
  'error',
  { name: 'Buffer', message: 'api/ is pure and portable: use utf8Length from api/common' },
  { name: 'process', message: 'api/ is pure: take configuration as arguments' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', '**/*.go'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'max-params': ['error', 4],
    },
  },

  // Outside api/: api only through its indexes, and never cli/ or e2e/.
  zone(['**/*.{ts,js}'], [API_ONLY_THROUGH_INDEX, NO_CLI_OR_E2E]),
  // lib/ is shared plumbing: it imports no running part.
  zone(
    ['lib/**'],
    [
      API_ONLY_THROUGH_INDEX,
      {
        regex: into(['operator', 'webhooks', 'node-plugin', 'cli', 'devcluster', 'e2e']),
        message:
          'lib/ imports no running part (operator, webhooks, node-plugin), nor cli/, devcluster/, e2e/',
      },
    ],
  ),
  // The running parts share only api/ and lib/.
  ...[
    ['operator', ['webhooks', 'node-plugin']],
    ['webhooks', ['operator', 'node-plugin']],
    ['node-plugin', ['operator', 'webhooks']],
  ].map(([part, others]) =>
    zone(
      [`${part}/**`],
      [
        API_ONLY_THROUGH_INDEX,
        {
          regex: into([...others, 'cli', 'devcluster', 'e2e']),
          message: `${part}/ shares only api/ and lib/ with the other running parts; it imports none of ${others.join(', ')}, cli, devcluster, e2e`,
        },
      ],
    ),
  ),
  // devcluster/ runs the parts, but is itself imported by cli/ and e2e/.
  zone(
    ['devcluster/**'],
    [
      API_ONLY_THROUGH_INDEX,
      {
        regex: into(['cli', 'e2e']),
        message: 'devcluster/ imports neither cli/ nor e2e/ (they import it)',
      },
    ],
  ),
  // cli/ wires everything together, but no test code.
  zone(
    ['cli/**'],
    [
      API_ONLY_THROUGH_INDEX,
      { regex: into(['e2e']), message: 'cli/ does not import e2e/ (tests)' },
    ],
  ),

  // api/ itself: pure, nothing above it; domains meet only in api/common.
  zone(['api/**'], [...API_IS_PURE, NO_TESTING], { 'no-restricted-globals': RESTRICTED_GLOBALS }),
  zone(['api/npwg/**'], [...API_IS_PURE, NO_TESTING, apiFolder(['cni', 'overlay', 'validate'])]),
  zone(['api/cni/**'], [...API_IS_PURE, NO_TESTING, apiFolder(['npwg', 'overlay', 'validate'])]),
  zone(['api/overlay/**'], [...API_IS_PURE, NO_TESTING, apiFolder(['npwg', 'cni', 'validate'])]),
  zone(
    ['api/common/**'],
    [
      ...API_IS_PURE,
      NO_TESTING,
      apiFolder(['npwg', 'cni', 'overlay', 'validate', 'resources', 'crd']),
    ],
  ),
  zone(
    ['api/net/**'],
    [
      ...API_IS_PURE,
      NO_TESTING,
      apiFolder(['common', 'npwg', 'cni', 'overlay', 'validate', 'resources', 'crd']),
    ],
  ),
  // Tests in api/ may use the fixtures in api/testing and any api/ folder, but stay pure.
  zone(['api/**/*.test.ts', 'api/testing/**'], API_IS_PURE),
  // Differential tests against a Go program of ours (api/**/*.oracle.test.ts) run
  // it: Node built-ins and devcluster/'s cached Go builds, nothing else above api/.
  zone(
    ['api/**/*.oracle.test.ts'],
    [
      {
        regex: into(['lib', 'operator', 'webhooks', 'node-plugin', 'cli', 'e2e']),
        message:
          'an api/ oracle test runs a Go program through devcluster/ and imports nothing else above api/',
      },
    ],
    { 'no-restricted-globals': 'off' },
  ),

  prettier,
);
