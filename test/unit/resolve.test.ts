import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveStackFile } from '../../src/stack/resolve.js';
import { ROOT } from '../helpers.js';

describe('which stack a command means', () => {
  const dir = mkdtempSync(join(tmpdir(), 'devnet-resolve-'));
  mkdirSync(join(dir, 'stacks'));
  writeFileSync(join(dir, 'stacks', 'demo.yaml'), 'name: local-demo\nservices: {}\n');
  writeFileSync(join(dir, 'other.yml'), 'name: other\nservices: {}\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a path, then ./stacks/NAME.yaml, then the shipped stacks', () => {
    expect(resolveStackFile({ stack: 'other.yml', cwd: dir, env: {} })).toBe(join(dir, 'other.yml'));
    expect(resolveStackFile({ stack: 'demo', cwd: dir, env: {} })).toBe(join(dir, 'stacks', 'demo.yaml'));
    expect(resolveStackFile({ stack: 'runink', cwd: dir, env: {} })).toBe(join(ROOT, 'stacks', 'runink.yaml'));
  });

  it('defaults to $DEVNET_STACK, then ./devnet.yaml, then the shipped demo', () => {
    expect(resolveStackFile({ cwd: dir, env: {} })).toBe(join(ROOT, 'stacks', 'demo.yaml'));
    writeFileSync(join(dir, 'devnet.yaml'), 'name: here\nservices: {}\n');
    expect(resolveStackFile({ cwd: dir, env: {} })).toBe(join(dir, 'devnet.yaml'));
    expect(resolveStackFile({ cwd: dir, env: { DEVNET_STACK: 'runink' } })).toBe(join(ROOT, 'stacks', 'runink.yaml'));
  });

  it('names a missing file or stack and where it looked', () => {
    expect(() => resolveStackFile({ stack: 'missing.yaml', cwd: dir, env: {} })).toThrow('stack file missing.yaml not found');
    expect(() => resolveStackFile({ stack: 'nope', cwd: dir, env: {} })).toThrow('no stack named "nope": looked in ./stacks/ and devnet\'s shipped stacks');
    expect(() => resolveStackFile({ stack: 'runnink', cwd: dir, env: {} })).toThrow('no stack named "runnink" (did you mean "runink"?)');
  });

  it('finds devnet.yaml in the nearest parent folder', () => {
    const deep = join(dir, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(dir, 'a', 'devnet.yml'), 'name: parent\nservices: {}\n');
    expect(resolveStackFile({ cwd: deep, env: {} })).toBe(join(dir, 'a', 'devnet.yml'));
  });

  it('does not let a folder without a stack shadow a shipped stack of the same name', () => {
    // the repository itself has a demo/ folder beside stacks/demo.yaml
    expect(resolveStackFile({ stack: 'demo', cwd: ROOT, env: {} })).toBe(join(ROOT, 'stacks', 'demo.yaml'));
    mkdirSync(join(dir, 'proj'));
    writeFileSync(join(dir, 'proj', 'devnet.yaml'), 'name: proj\nservices: {}\n');
    expect(resolveStackFile({ stack: 'proj', cwd: dir, env: {} })).toBe(join(dir, 'proj', 'devnet.yaml'));
  });
});
