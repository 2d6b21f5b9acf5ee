import { DevnetError } from '../../errors.js';

export async function status(..._args: unknown[]): Promise<number> {
  throw new DevnetError('devnet status comes next');
}
