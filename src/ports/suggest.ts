// Free alternatives for a busy port: near it, unclaimed by the stack, outside the kernel's
// ephemeral range (the kernel could hand those out any moment), not listening, and bindable.
import { inEphemeral, type KernelPorts } from './kernel.js';
import type { SocketTable } from './socket-table.js';

export interface SuggestOptions {
  table: SocketTable;
  kernel: KernelPorts;
  /** ports the stack claims or that were already handed out */
  taken: (port: number) => boolean;
  count?: number;
}

/**
 * Candidate ports in order of preference: the nearest above the wanted one, then below it. A
 * plan outside the ephemeral range gets no ephemeral port; one inside it already gets its
 * neighbours (41511 for 41510, not 32767).
 */
export function candidatePorts(wanted: number, { table, kernel, taken }: SuggestOptions, limit = 200): number[] {
  const low = kernel.isRoot ? 1 : kernel.unprivilegedStart;
  const avoidEphemeral = !inEphemeral(kernel, wanted);
  const out: number[] = [];
  const ok = (p: number) => p >= low && p <= 65535 && !taken(p) && !(avoidEphemeral && inEphemeral(kernel, p)) && !table.on(p).length;
  for (let p = wanted + 1; out.length < limit && p <= 65535; p++) if (ok(p)) out.push(p);
  for (let p = wanted - 1; out.length < limit && p >= low; p--) if (ok(p)) out.push(p);
  return out;
}

export async function suggestPorts(wanted: number, options: SuggestOptions): Promise<number[]> {
  const mod = await import('get-port');
  // in the CommonJS bundle the ES module's default export arrives one level down
  const getPort = typeof mod.default === 'function' ? mod.default : (mod.default as unknown as { default: typeof mod.default }).default;
  const want = options.count ?? 3;
  const candidates = candidatePorts(wanted, options, want * 10);
  const picked: number[] = [];
  for (const c of candidates) {
    if (picked.length >= want) break;
    // get-port binds the port on every local address; it falls back to a random port when
    // the one asked for is busy, so anything other than c means c is not free.
    if ((await getPort({ port: c, exclude: picked })) === c) picked.push(c);
  }
  return picked;
}
