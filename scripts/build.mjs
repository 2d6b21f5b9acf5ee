// Bundles the CLI with esbuild. Code splitting keeps each command in its own chunk,
// loaded only when that command runs: `devnet --version` loads one small file.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts', supervisor: 'src/run/supervisor-main.ts', 'json-schema': 'src/stack/json-schema.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  packages: 'bundle',
  minifySyntax: true,
  define: { DEVNET_VERSION: JSON.stringify(pkg.version) },
  // some bundled CommonJS dependencies call require(); give the ESM bundle one
  banner: { js: "import { createRequire as __devnetRequire } from 'node:module'; const require = __devnetRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The JSON Schema editors complete stack keys from; generated from the validator's own definition.
const { stackJsonSchema } = await import('../dist/json-schema.js');
mkdirSync(new URL('../schema', import.meta.url), { recursive: true });
writeFileSync(new URL('../schema/stack.schema.json', import.meta.url), stackJsonSchema());
