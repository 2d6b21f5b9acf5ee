import { DevnetError } from '../../errors.js';

export async function down(..._args: unknown[]): Promise<number> {
  throw new DevnetError('devnet down comes next');
}
