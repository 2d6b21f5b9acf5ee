import { DevnetError } from '../../errors.js';

export async function up(..._args: unknown[]): Promise<number> {
  throw new DevnetError('devnet up comes next');
}
