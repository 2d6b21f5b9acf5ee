// One narrow interface to the operating system. Linux with a readable /proc uses the /proc
// backend (no process spawned); everything else uses the POSIX one (lsof and ps), as macOS
// and the BSDs ship them. DEVNET_PLATFORM=linux|posix forces one.
import { existsSync } from 'node:fs';
import { PlatformError, UsageError } from '../errors.js';
import { linux } from './linux/index.js';
import { posix } from './posix/index.js';
import type { Platform } from './types.js';

let chosen: Platform | undefined;

export function platform(): Platform {
  return (chosen ??= choosePlatform(process.env.DEVNET_PLATFORM));
}

export function choosePlatform(forced: string | undefined): Platform {
  if (forced === 'posix') return posix;
  if (forced === 'linux') {
    if (!existsSync('/proc/self/stat')) throw new UsageError('DEVNET_PLATFORM=linux, but /proc cannot be read here; unset it to use lsof and ps');
    return linux;
  }
  if (forced) throw new UsageError(`DEVNET_PLATFORM must be linux or posix, got \`${forced}\``);
  return process.platform === 'linux' && existsSync('/proc/self/stat') ? linux : posix;
}

/**
 * Start times are in the unit of the backend that read them (clock ticks since boot, or
 * seconds since the epoch): what a running stack recorded is read back with the same backend,
 * whatever DEVNET_PLATFORM says now, or a reused pid could pass for its process.
 *
 * For a command that acts on one recorded run from here on (down, stop, start, restart).
 * A command that only looks at a run and then goes on to something else (up reading the
 * state a finished run left, ls) uses withPlatform, or the new run would inherit the backend.
 */
export function adoptPlatform(name: string | undefined): void {
  if (!name || platform().name === name) return;
  chosen = backendNamed(name);
}

/** Runs `read` (synchronous) with the backend named, then returns to the one before. */
export function withPlatform<T>(name: string | undefined, read: () => T): T {
  const before = platform();
  if (!name || before.name === name) return read();
  chosen = backendNamed(name);
  try {
    return read();
  } finally {
    chosen = before;
  }
}

function backendNamed(name: string): Platform {
  try {
    return choosePlatform(name);
  } catch {
    throw new PlatformError(`this stack was started with the ${name} backend, which cannot read this system`, { hint: 'stop its processes by hand, then remove its state folder' });
  }
}

/** Tests pick a backend for a process that already chose one. */
export function usePlatform(p: Platform | undefined): void {
  chosen = p;
}
