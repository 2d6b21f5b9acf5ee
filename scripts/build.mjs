// Builds dist/ as CommonJS (Node starts it faster than ESM; start-up time is a feature):
// - dist/devnet.cjs: the CLI and all of devnet's own code, one file, so each module exists once;
//   modules imported lazily in the source are evaluated only when first used.
// - dist/launch.cjs: what bin/devnet.cjs reads to launch an `up -d` before the CLI loads.
// - dist/early-down.cjs: what it reads to send a `down`'s stop request before the CLI loads,
//   and to end the usual down without it.
// - dist/vendor/*.cjs: the heavy packages, each loaded only by the command that needs it.
//
// A build never leaves a moment without dist/devnet.cjs: `npx devnet` reinstalls the checkout
// (running `prepare`) while a test run or a running stack uses it. The new build is written to
// a folder beside dist/ and each file renamed over its old one (rename is atomic); files the
// new build no longer has go last. Nothing changed since the last build (same sources, same
// lock, same Node): nothing is done.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { join, relative } from 'node:path';
import { warmCodeCache } from './warm-code-cache.mjs';

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

const dist = join(root, 'dist');
const stamp = join(dist, '.build-inputs');
const inputs = inputsHash();
if (!process.argv.includes('--force') && readOr(stamp) === inputs && ['devnet.cjs', 'launch.cjs', 'early-down.cjs', 'json-schema.cjs', 'ui.mjs'].every((f) => existsSync(join(dist, f)))) process.exit(0);

const out = join(root, `.dist-build-${process.pid}`);
rmSync(out, { recursive: true, force: true });
try {
  await buildInto(out);
  swapInto(out, dist);
  // run from dist/, as installed: the supervisor finds its helper and launcher there
  const why = await warmCodeCache(join(root, 'bin', 'devnet.cjs'), dist);
  if (why) console.warn(`devnet: the code cache was not warmed (${why}); commands compile more of their code as they start`);
  writeFileSync(stamp, inputs);
} finally {
  rmSync(out, { recursive: true, force: true });
}

async function buildInto(outdir) {
await Promise.all([
  build({
    ...common,
    entryPoints: {
      devnet: 'src/cli/program.ts',
      launch: 'src/supervisor/launch.ts',
      'early-down': 'src/cli/early-down.ts',
      'json-schema': 'src/stack/json-schema.ts',
      'stack-reference': 'src/stack/reference.ts',
      'cli-reference': 'src/cli/reference.ts',
    },
    outdir,
    outExtension: { '.js': '.cjs' },
    plugins: [vendorStaysSeparate],
    // dotenv is required lazily through createRequire and resolved from node_modules
    external: ['dotenv'],
  }),
  build({ ...common, entryPoints: Object.fromEntries(VENDOR.map((v) => [`vendor/${v}`, v])), outdir, outExtension: { '.js': '.cjs' } }),
  // devnet ui's view: an ES module (Ink has a top-level await), loaded only by devnet ui; Ink
  // and React are imported from node_modules at run time, one copy each
  build({
    absWorkingDir: root,
    entryPoints: { ui: 'src/ui/view.tsx' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    minify: true,
    jsx: 'automatic',
    external: ['ink', 'react', 'react/jsx-runtime'],
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  }),
]);

// The bundles are loaded with a V8 code cache (bin/load-cached.cjs), made here for the Node that
// builds (the build stamp includes its version). Dynamic imports of the vendor files become
// requires first: code compiled through vm.Script can import() only behind a flag.
for (const name of ['devnet.cjs']) {
  const file = join(outdir, name);
  const code = readFileSync(file, 'utf8').replace(/\bimport\("(\.\/vendor\/[\w-]+\.cjs)"\)/g, 'Promise.resolve().then(() => require("$1"))');
  if (/\bimport\(/.test(code)) throw new Error(`${name} still has a dynamic import(): the code-cache loader cannot run it`);
  writeFileSync(file, code);
  writeFileSync(`${file}.v8cache`, new Script(Module.wrap(code), { filename: join(dist, name) }).createCachedData());
}
for (const v of VENDOR) {
  const file = join(outdir, 'vendor', `${v}.cjs`);
  writeFileSync(`${file}.v8cache`, new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: join(dist, 'vendor', `${v}.cjs`) }).createCachedData());
}

// The subreaper helper services start through (native/subreaper.c), on Linux where a C compiler
// is at hand; without it devnet still runs, and doctor says what is not covered.
if (process.platform === 'linux') {
  const cc = spawnSync(process.env.CC || 'cc', ['-O2', '-Wall', '-o', join(outdir, 'devnet-subreaper'), join(root, 'native', 'subreaper.c')], { stdio: 'pipe' });
  if (cc.status !== 0) console.warn(`devnet: the subreaper helper was not built (${cc.error?.message ?? cc.stderr.toString().trim()}); services that double-fork away with a cleared environment will not be found by devnet down`);
}

// The JSON Schema editors complete stack keys from, generated from the validator's own definition.
const { stackJsonSchema } = createRequire(import.meta.url)(join(outdir, 'json-schema.cjs'));
mkdirSync(join(root, 'schema'), { recursive: true });
const schema = stackJsonSchema();
if (readOr(join(root, 'schema', 'stack.schema.json')) !== schema) writeFileSync(join(root, 'schema', 'stack.schema.json'), schema);

// The references under docs/, generated from the same definitions, so they cannot drift.
const load = (name) => createRequire(import.meta.url)(join(outdir, name));
mkdirSync(join(root, 'docs'), { recursive: true });
for (const [file, text] of [
  ['stack-file.md', load('stack-reference.cjs').stackReference()],
  ['cli.md', load('cli-reference.cjs').cliReference()],
])
  if (readOr(join(root, 'docs', file)) !== text) writeFileSync(join(root, 'docs', file), text);
}

/** Every file of `from` renamed over its counterpart in `to`; then what `to` has beyond them removed. */
function swapInto(from, to) {
  mkdirSync(to, { recursive: true });
  const fresh = new Set(walk(from).map((f) => relative(from, f)));
  for (const rel of fresh) {
    mkdirSync(join(to, rel, '..'), { recursive: true });
    renameSync(join(from, rel), join(to, rel));
  }
  for (const f of walk(to)) if (!fresh.has(relative(to, f)) && relative(to, f) !== '.build-inputs') rmSync(f, { force: true });
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

function readOr(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** What a build depends on: the sources, the build script, the lock, the Node and esbuild versions. */
function inputsHash() {
  const h = createHash('sha256');
  h.update(`${process.version}\0${process.env.CC ?? ''}\0`);
  const files = ['src', 'native'].flatMap((d) => walk(join(root, d))).concat(['scripts/build.mjs', 'scripts/warm-code-cache.mjs', 'bin/load-cached.cjs', 'bin/devnet.cjs', 'package.json', 'package-lock.json'].map((f) => join(root, f)));
  for (const f of files.sort()) {
    if (!existsSync(f) || !statSync(f).isFile()) continue;
    h.update(relative(root, f));
    h.update('\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}
