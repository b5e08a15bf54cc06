// Compiles the WebAssembly text kernels (the .wat files listed in wasmKernels.mjs) with wabt into TypeScript modules holding their bytes
// (base64), so that every bundle (server, CLI, worker, tests, benches) gets them without a loader. Run it after
// editing a .wat file (`npm run wasm`); a unit test fails while a generated module is out of date.
//   node scripts/wasm.mjs           writes the modules
//   node scripts/wasm.mjs --check   exits 1 if one is out of date
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWat, KERNELS } from './wasmKernels.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');
let stale = 0;
for (const kernel of KERNELS) {
  const source = fs.readFileSync(path.join(root, kernel.wat), 'utf8');
  const text = await compileWat(kernel.wat, source, kernel.name);
  const file = path.join(root, kernel.module);
  if (check) {
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) {
      console.error(`${kernel.module} is out of date with ${kernel.wat}: run npm run wasm`);
      stale++;
    }
  } else {
    fs.writeFileSync(file, text);
    console.log(`${kernel.wat} → ${kernel.module}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
