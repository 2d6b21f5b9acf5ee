import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexDir, runEntryFile } from '../state/locations.js';
import { looksUp, wantsDetachedUp } from './launch.js';

describe('the launcher of up -d', () => {
  it('is for up with -d or --detach, combined short flags too', () => {
    expect(wantsDetachedUp(['up', '-d'])).toBe(true);
    expect(wantsDetachedUp(['up', '--stack', 'x.yaml', '--detach'])).toBe(true);
    expect(wantsDetachedUp(['up', '-ds', 'x.yaml'])).toBe(true);
  });
  it('is not for a foreground up, another command, --help, or a -d after --', () => {
    expect(wantsDetachedUp(['up'])).toBe(false);
    expect(wantsDetachedUp(['down', '-d'])).toBe(false);
    expect(wantsDetachedUp(['up', '-d', '--help'])).toBe(false);
    expect(wantsDetachedUp(['up', '--', '-d'])).toBe(false);
  });
});

describe('the launcher\'s quick look: is the stack up already', () => {
  // a stack file, its run index entry and its state, as up writes them; the supervisor is `pid`
  function stackWith(supervisor: { pid: number; startTime: number }) {
    const root = mkdtempSync(join(tmpdir(), 'devnet-looks-up-'));
    const file = join(root, 'devnet.yaml');
    writeFileSync(file, 'name: x\nservices: {}\n');
    const stateDir = join(root, 'state', 'x');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'state.json'), JSON.stringify({ version: 1, supervisor, platform: process.platform === 'linux' ? 'linux' : 'posix' }));
    const env = { DEVNET_STATE_DIR: join(root, 'state') };
    mkdirSync(indexDir(env), { recursive: true });
    writeFileSync(runEntryFile(file, 0, env), JSON.stringify({ stateDir, stackFile: file, portOffset: 0 }));
    return { root, file, env, [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }) };
  }
  const me = () => ({ pid: process.pid, startTime: process.platform === 'linux' ? Number(readFileSync('/proc/self/stat', 'latin1').split(') ')[1]!.split(' ')[19]) : 0 });

  it('says up for the devnet.yaml found from here, or the --stack path, with its supervisor alive', () => {
    using s = stackWith(me());
    expect(looksUp(['up', '-d'], s.root, s.env)).toBe(true);
    expect(looksUp(['up', '-d', '--stack', s.file], tmpdir(), s.env)).toBe(true);
  });

  it('says no when unsure: another offset, a stack name, a supervisor gone or a reused pid', () => {
    using s = stackWith(me());
    expect(looksUp(['up', '-d', '--port-offset', '10'], s.root, s.env)).toBe(false);
    expect(looksUp(['up', '-d', '--stack', 'demo'], s.root, s.env)).toBe(false);
    using gone = stackWith({ pid: 2 ** 22 + 7, startTime: 1 });
    expect(looksUp(['up', '-d'], gone.root, gone.env)).toBe(false);
    if (process.platform === 'linux') {
      using reused = stackWith({ ...me(), startTime: me().startTime + 1 });
      expect(looksUp(['up', '-d'], reused.root, reused.env)).toBe(false);
    }
  });
});
