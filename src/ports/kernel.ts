// Kernel port policy: the ephemeral range, reserved ports and the privileged limit, read
// through the platform backend.
import { platform } from '../platform/index.js';
import type { KernelPorts } from '../platform/types.js';

export type { KernelPorts };

export function readKernelPorts(): KernelPorts {
  return platform().kernelPorts();
}

export { parseReservedPorts } from '../platform/linux/kernel.js';

export function inEphemeral(k: KernelPorts, port: number): boolean {
  return port >= k.ephemeral[0] && port <= k.ephemeral[1] && !k.reserved(port);
}

/**
 * A --port-offset (the whole one, from `current`) that puts every port of the plan outside the
 * ephemeral range: below it where the plan fits there, else above it; rounded to a hundred
 * so the shifted ports stay readable. undefined when the plan fits on neither side.
 */
export function offsetOutsideEphemeral(k: KernelPorts, ports: readonly number[], current: number): number | undefined {
  if (!ports.length) return undefined;
  const lo = Math.min(...ports);
  const hi = Math.max(...ports);
  const floor = k.isRoot ? 1 : k.unprivilegedStart;
  const [elo, ehi] = k.ephemeral;
  // below: the highest port just under the range, then down to a round hundred
  const down = Math.floor((elo - 1 - hi) / 100) * 100;
  if (lo + down >= floor && down <= 0) return current + down;
  const up = Math.ceil((ehi + 1 - lo) / 100) * 100;
  if (hi + up <= 65535 && up >= 0) return current + up;
  return undefined;
}
