// The node's and coordinator's ports come from the stack, so the proxy follows a --remap.
import { defineConfig } from 'vite';

export default defineConfig({
  clearScreen: false,
  logLevel: 'info',
  cacheDir: process.env.VITE_CACHE_DIR ?? 'node_modules/.vite',
  server: {
    proxy: {
      '/rpc': process.env.NODE_RPC_URL ?? 'http://127.0.0.1:8080',
      '/v1': process.env.COORDINATOR_URL ?? 'http://127.0.0.1:8011',
    },
  },
});
