// Builds dist/ as CommonJS (Node starts it faster than ESM; start-up time is a feature):
// - dist/devnet.cjs: the CLI and all of devnet's own code, one file, so each module exists once;
//   modules imported lazily in the source are evaluated only when first used.
// - dist/supervisor.cjs: the detached supervisor that `up -d` forks.
// - dist/vendor/*.cjs: the heavy packages, each loaded only by the command that needs it.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const VENDOR = ['yaml', 'listr2', 'get-port', 'chokidar'];

const vendorStaysSeparate = {
  name: 'vendor-separate',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${VENDOR.join('|')})$`) }, (a) => ({ path: `./vendor/${a.path}.cjs`, external: true }));
  },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  minify: true,
  keepNames: true,
  define: { DEVNET_VERSION: JSON.stringify(pkg.version), 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { devnet: 'src/cli/program.ts', supervisor: 'src/run/supervisor-main.ts', 'json-schema': 'src/stack/json-schema.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    plugins: [vendorStaysSeparate],
    // dotenv is required lazily through createRequire and resolved from node_modules
    external: ['dotenv'],
  }),
  build({ ...common, entryPoints: Object.fromEntries(VENDOR.map((v) => [`vendor/${v}`, v])), outdir: 'dist', outExtension: { '.js': '.cjs' } }),
]);

// The subreaper helper services start through (native/subreaper.c), on Linux where a C compiler
// is at hand; without it devnet still runs, and doctor says what is not covered.
if (process.platform === 'linux') {
  const cc = spawnSync(process.env.CC || 'cc', ['-O2', '-Wall', '-o', join(root, 'dist', 'devnet-subreaper'), join(root, 'native', 'subreaper.c')], { stdio: 'pipe' });
  if (cc.status !== 0) console.warn(`devnet: the subreaper helper was not built (${cc.error?.message ?? cc.stderr.toString().trim()}); services that double-fork away with a cleared environment will not be found by devnet down`);
}

// The JSON Schema editors complete stack keys from, generated from the validator's own definition.
const { stackJsonSchema } = createRequire(import.meta.url)(join(root, 'dist', 'json-schema.cjs'));
mkdirSync(join(root, 'schema'), { recursive: true });
writeFileSync(join(root, 'schema', 'stack.schema.json'), stackJsonSchema());
