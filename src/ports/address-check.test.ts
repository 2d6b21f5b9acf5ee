import { describe, expect, it } from 'vitest';
import type { Service } from '../stack/model.js';
import { addressChecks, bindAddress } from './address-check.js';

const svc = (name: string, host: string) => ({ name, host }) as unknown as Service;
const cluster = [svc('api', '127.0.0.1'), svc('raft-1', '127.0.0.1'), svc('raft-2', '127.0.0.2'), svc('raft-3', '127.0.0.10')];

describe('addressChecks', () => {
  it('asks once per address, never for 127.0.0.1, and says which bind', async () => {
    const asked: string[] = [];
    const checks = await addressChecks(cluster, async (h) => void asked.push(h), 'freebsd');
    expect(asked).toEqual(['127.0.0.2', '127.0.0.10']);
    expect(checks).toEqual([{ id: 'address.local', level: 'ok', message: 'addresses 127.0.0.2 and 127.0.0.10 can be bound here' }]);
  });

  it('on Linux takes 127.0.0.0/8 as bound (the kernel routes it all to lo) and asks about the rest', async () => {
    const asked: string[] = [];
    const checks = await addressChecks([...cluster, svc('lan', '10.1.2.3')], async (h) => void asked.push(h), 'linux');
    expect(asked).toEqual(['10.1.2.3']);
    expect(checks).toEqual([{ id: 'address.local', level: 'ok', message: 'addresses 10.1.2.3, 127.0.0.2 and 127.0.0.10 can be bound here' }]);
  });

  it('says a run of one /24 as a range, anything else as what it is', async () => {
    const said = async (hosts: string[]) => (await addressChecks(hosts.map((h, i) => svc(`s${i}`, h)), async () => undefined, 'darwin'))[0]!.message;
    expect(await said(['127.0.0.4', '127.0.0.2', '127.0.0.3'])).toBe('addresses 127.0.0.2 to 127.0.0.4 can be bound here');
    expect(await said(['127.0.0.2', '127.0.0.4', '127.0.0.9'])).toBe('addresses 127.0.0.2, 127.0.0.4 and 127.0.0.9 can be bound here');
    expect(await said(['127.0.0.2', '127.0.0.4', '127.0.0.9', '10.0.0.1'])).toBe('addresses 10.0.0.1, 127.0.0.2 and 2 more can be bound here');
  });

  it('gives the lo0 alias line on macOS for a loopback address that is not there', async () => {
    const checks = await addressChecks(cluster, async (h) => (h === '127.0.0.10' ? 'EADDRNOTAVAIL' : undefined), 'darwin');
    expect(checks[0]).toMatchObject({ id: 'address.missing', level: 'error', service: 'raft-3' });
    expect(checks[0]!.message).toBe(
      'address 127.0.0.10 (raft-3) cannot be bound here (EADDRNOTAVAIL); darwin answers only 127.0.0.1 until each further loopback address is an alias of lo0; add it once (until the next reboot): sudo ifconfig lo0 alias 127.0.0.10 up',
    );
    expect(checks[1]!.message).toBe('address 127.0.0.2 can be bound here');
  });

  it('finds an address this machine does not have, for real', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never assigned to a real interface
    const checks = await addressChecks([svc('node', '192.0.2.7')]);
    expect(checks[0]!.message).toMatch(/^address 192\.0\.2\.7 \(node\) cannot be bound here \(EADDRNOTAVAIL\); it is not an address of this machine/);
    expect(await bindAddress('127.0.0.1')).toBeUndefined();
  });
});
