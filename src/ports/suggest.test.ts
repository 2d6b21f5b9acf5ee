import { describe, expect, it } from 'vitest';
import { candidatePorts } from './suggest.js';
import { tableOf } from './socket-table.js';

const kernel = { ephemeral: [32768, 60999] as [number, number], reserved: () => false, unprivilegedStart: 1024, isRoot: false };

describe('busy-port suggestions', () => {
  it('are the nearest free ports above the planned one', () => {
    const table = tableOf([{ address: '127.0.0.1', port: 8081, family: 4 }]);
    expect(candidatePorts(8080, { table, kernel, taken: (p) => p === 8083 }, 3)).toEqual([8082, 8084, 8085]);
  });
  it('stay beside a planned port inside the ephemeral range, never jump below it', () => {
    expect(candidatePorts(41510, { table: tableOf([]), kernel, taken: () => false }, 3)).toEqual([41511, 41512, 41513]);
  });
  it('keep a plan outside the ephemeral range outside it', () => {
    expect(candidatePorts(32766, { table: tableOf([]), kernel, taken: () => false }, 3)).toEqual([32767, 61000, 61001]);
  });
});
