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
