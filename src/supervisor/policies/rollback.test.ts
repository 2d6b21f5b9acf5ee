import { describe, expect, it } from 'vitest';
import { ServiceFailedError, StartAborted } from '../../errors.js';
import { startOrRollBack } from './rollback.js';

describe('start or roll back', () => {
  it('resolves to nothing when every service starts', async () => {
    expect(await startOrRollBack(['a', 'b'], async () => {})).toBeUndefined();
  });

  it("the first failure aborts the others' waits, and the failure reported is the service's own, not an abort it caused", async () => {
    const aborted: string[] = [];
    const failure = await startOrRollBack(['db', 'api', 'web'], (name, signal) => {
      if (name === 'db') return Promise.reject(new ServiceFailedError('db', 'service db exited with code 1', []));
      // api and web wait on db: they end when the rollback aborts them
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => {
          aborted.push(name);
          reject(new StartAborted(name));
        }),
      );
    });
    expect(failure).toBeInstanceOf(ServiceFailedError);
    expect((failure as ServiceFailedError).service).toBe('db');
    expect(aborted.sort()).toEqual(['api', 'web']);
  });

  it('an error that is not a service failure (a refused port) is still reported', async () => {
    const failure = await startOrRollBack(['a'], () => Promise.reject(new Error('port 8080 is taken')));
    expect((failure as Error).message).toBe('port 8080 is taken');
  });
});
