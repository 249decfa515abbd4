// Writes crds/*.yaml from api/ (npm run gen:crds). crds/crds.test.ts fails
// when the files on disk differ from what this would write.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderedCrdFiles } from '../api/crd/index.ts';

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'crds');
await mkdir(outDir, { recursive: true });
const files = renderedCrdFiles();
for (const stale of (await readdir(outDir)).filter((f) => f.endsWith('.yaml') && !(f in files))) {
  await rm(join(outDir, stale));
}
for (const [name, text] of Object.entries(files)) {
  await writeFile(join(outDir, name), text);
  console.log(`wrote crds/${name}`);
}
// The same files for the kustomize base (kustomize reads nothing outside its root).
const baseDir = join(outDir, '..', 'manifests', 'base', 'crds');
await mkdir(baseDir, { recursive: true });
for (const [name, text] of Object.entries(files)) {
  await writeFile(join(baseDir, name), text);
  console.log(`wrote manifests/base/crds/${name}`);
}
