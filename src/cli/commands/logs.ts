import { DevnetError } from '../../errors.js';

export async function logs(..._args: unknown[]): Promise<number> {
  throw new DevnetError('devnet logs comes next');
}
