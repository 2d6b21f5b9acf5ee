'use strict';
// Loads devnet's bundle (dist/devnet.cjs) with the V8 code cache
// the build wrote beside it (FILE.v8cache): compiling the bundle is most of its load time
// (measured: 11 ms of compile against 1.3 ms with the cache, for the supervisor's code), and
// every devnet command and every supervisor pays it. Node 20 has no compile cache of its
// own for CommonJS (module.enableCompileCache is Node 22). A cache that is missing, or that V8
// rejects (another Node, other flags), costs only the compile it would have saved.
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

const loaded = new Map();
// DEVNET_CODE_CACHE_OUT=FILE (the build's warm-up, scripts/warm-code-cache.mjs): at its exit this
// process writes the bundle's code cache to FILE, with every function it compiled or was given
// by the cache it loaded. A cache made right after compiling holds the top level only: each
// command then compiles, as it first calls them, the functions it runs (measured: 12 ms of the
// supervisor's start-up before its first spawn, 4 ms of a down). Kept from the services.
let cacheOut = process.env.DEVNET_CODE_CACHE_OUT;
delete process.env.DEVNET_CODE_CACHE_OUT;

function loadCached(file) {
  if (loaded.has(file)) return loaded.get(file).exports;
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.v8cache`);
  } catch {
    return require(file);
  }
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = { exports: {} };
  loaded.set(file, mod);
  const plain = Module.createRequire(file);
  // the vendor bundles it loads lazily (yaml, listr2: ~20 ms each to compile) have caches too
  const req = Object.assign((id) => (/^\.\/vendor\/[\w-]+\.cjs$/.test(id) ? loadCached(plain.resolve(id)) : plain(id)), plain);
  if (cacheOut) {
    const to = cacheOut;
    cacheOut = undefined;
    process.once('exit', () => {
      try {
        writeFileSync(to, script.createCachedData());
      } catch {
        // the warm-up keeps the cache it has
      }
    });
  }
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, file, dirname(file));
  return mod.exports;
}

module.exports = loadCached;
