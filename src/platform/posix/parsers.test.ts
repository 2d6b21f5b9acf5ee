// The POSIX backend's parsers on output captured in the tools' documented formats, as macOS prints them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLsof } from './lsof.js';
import { parseNetstat, parseSs } from './netstat.js';
import { lstartSeconds, parsePsCommands, parsePsMarkers, parsePsStats, psEnvironmentArgs } from './ps.js';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'platform', name), 'utf8');

describe('POSIX backend parsers', () => {
  it('lsof -F pctn: listeners with their holder, wildcards and IPv6 in brackets', () => {
    expect(parseLsof(fixture('lsof-macos.txt'))).toEqual([
      { address: '127.0.0.1', port: 8080, family: 4, pid: 412, command: 'node' },
      { address: '::1', port: 8080, family: 6, pid: 412, command: 'node' },
      { address: '::', port: 5432, family: 6, pid: 530, command: 'postgres' },
      { address: '0.0.0.0', port: 5432, family: 4, pid: 530, command: 'postgres' },
      { address: '0.0.0.0', port: 7000, family: 4, pid: 981, command: 'ControlCe' },
      { address: 'fe80:1::1', port: 7000, family: 6, pid: 981, command: 'ControlCe' },
    ]);
    expect(parseLsof('')).toEqual([]);
  });

  it('ps lstart: start times as seconds since the epoch (UTC), state, parent and group; zombies marked', () => {
    const ps = parsePsStats(fixture('ps-macos.txt'));
    expect(ps).toHaveLength(5);
    expect(ps[1]).toEqual({ pid: 412, ppid: 398, pgid: 412, startTime: Date.UTC(2026, 10, 23, 3, 52, 37) / 1000, state: 'S' });
    expect(ps[4]!.state).toBe('Z');
    expect(lstartSeconds('Jan', '1', '00', '00', '00', '2027')).toBe(Date.UTC(2027, 0, 1) / 1000);
  });

  it('ps eww: the run marker from the environment words after the command', () => {
    const m = parsePsMarkers(fixture('ps-eww-macos.txt'));
    expect(m.get(412)).toEqual({ stack: 'demo', service: 'blockchain-node', run: 'r-5f2c' });
    expect(m.get(413)).toEqual({ stack: 'demo', service: 'blockchain-node', run: 'r-5f2c' });
    expect(m.has(530)).toBe(false);
    expect(parsePsCommands('  412 node server.js --port 8080\n').get(412)).toBe('node server.js --port 8080');
  });

  it('netstat (BSD) and ss (Linux): every listener, the port after the last dot or colon', () => {
    expect(parseNetstat(fixture('netstat-macos.txt'))).toEqual([
      { address: '127.0.0.1', port: 8080, family: 4 },
      { address: '::1', port: 8080, family: 6 },
      { address: '0.0.0.0', port: 5432, family: 4 },
      { address: 'fe80::1', port: 7000, family: 6 },
    ]);
    expect(parseSs('LISTEN 0      511    127.0.0.1:8080 0.0.0.0:*\nLISTEN 0 4096 [::1]:9090 [::]:*\nLISTEN 0 4096 *:22 *:*\n')).toEqual([
      { address: '127.0.0.1', port: 8080, family: 4 },
      { address: '::1', port: 9090, family: 6 },
      { address: '::', port: 22, family: 6 },
    ]);
  });

  it("asks each ps for the environment with its own flag (macOS -E: its -e is every process)", () => {
    expect(psEnvironmentArgs('darwin', [1, 2])).toEqual(['-E', '-ww', '-o', 'pid=,command=', '-p', '1,2']);
    expect(psEnvironmentArgs('freebsd', [3])).toEqual(['-e', '-ww', '-o', 'pid=,command=', '-p', '3']);
    expect(psEnvironmentArgs('linux', [4])).toEqual(['eww', '-o', 'pid=,command=', '-p', '4']);
  });
});

describe('tool output that is not what the tool prints', () => {
  it('is an error naming the tool, never "nothing listens" or "no such process"', () => {
    expect(() => parseLsof('hello world\n')).toThrow(/lsof printed a line that is not one of its -F fields/);
    expect(() => parseLsof('p1\ncx\nn[]\n')).toThrow(/lsof printed/);
    expect(() => parseLsof('pabc\n')).toThrow(/lsof printed/);
    expect(() => parsePsStats('this is not ps\n')).toThrow(/ps printed a line devnet cannot read/);
    expect(parseLsof('')).toEqual([]);
    expect(parsePsStats('\n')).toEqual([]);
  });
});
