import { describe, expect, it } from 'vitest';
import { containerRunArgs } from './container-run.js';
import { containerName, parseLabels } from '../container/engine.js';

describe('containerRunArgs', () => {
  const base = { name: 'devnet-demo-db', image: 'postgres:16', labels: { stack: 'demo', state: '/s', run: 'r1', service: 'db' }, envKeys: ['POSTGRES_PASSWORD', 'DEVNET_RUN'], mounts: [], args: [] };

  it('runs on the host network, labelled, removed on exit, env by name only', () => {
    const argv = containerRunArgs(base);
    expect(argv.slice(0, 7)).toEqual(['run', '--rm', '--init', '--name', 'devnet-demo-db', '--network', 'host']);
    expect(argv.join(' ')).toContain('--label devnet.stack=demo --label devnet.state=/s --label devnet.run=r1 --label devnet.service=db');
    expect(argv.join(' ')).toContain('-e POSTGRES_PASSWORD -e DEVNET_RUN');
    expect(argv.at(-1)).toBe('postgres:16');
  });

  it('mounts each path once, read-only where asked, and passes the arguments after the image', () => {
    const argv = containerRunArgs({ ...base, mounts: [{ host: '/d', container: '/d', readOnly: false }, { host: '/x', container: '/d', readOnly: false }, { host: '/f', container: '/f', readOnly: true }], workdir: '/d', args: ['-c', 'max_connections=10'] });
    expect(argv.filter((_, i) => argv[i - 1] === '-v')).toEqual(['/d:/d', '/f:/f:ro']);
    expect(argv.slice(-5)).toEqual(['-w', '/d', 'postgres:16', '-c', 'max_connections=10']);
  });
});

describe('container names and labels', () => {
  it('a stack id with an offset becomes a name the engine accepts', () => {
    expect(containerName('demo+33000', 'prometheus')).toBe('devnet-demo-33000-prometheus');
  });

  it('reads labels as docker and podman print them', () => {
    expect(parseLabels('devnet.run=r1,devnet.service=db')).toEqual({ 'devnet.run': 'r1', 'devnet.service': 'db' });
    expect(parseLabels('map[devnet.run:r1 devnet.service:db]')).toEqual({ 'devnet.run': 'r1', 'devnet.service': 'db' });
  });
});
