// Every way a stack can be invalid is refused with exit 2 and one clear line naming
// file:line:col, before anything starts.
import { describe, expect, it } from 'vitest';
import { devnet, tmpStack } from '../helpers.js';

const cases: [string, string, RegExp][] = [
  ['YAML syntax', 'name: x\nservices:\n  a: { command: [ }\n', /devnet\.yaml:3:\d+: .*(flow|collection|Unexpected)/i],
  ['an unknown key, with the near miss', 'name: x\nservices:\n  a:\n    comand: node a.js\n', /devnet\.yaml:4:5: services\.a\.comand: unknown key "comand" \(did you mean "command"\?\)/],
  ['a wrong type, showing the value', 'name: x\nservices:\n  a:\n    command: node\n    port: "80"\n', /devnet\.yaml:5:11: services\.a\.port: expected an integer, got `"80"` \(string\)/],
  ['a dependency on an unknown service', 'name: x\nservices:\n  db: { command: a }\n  api:\n    command: b\n    depends_on: [dbb]\n', /devnet\.yaml:6:18: services\.api\.depends_on\[0\]: unknown service "dbb" \(did you mean "db"\?\)/],
  ['a dependency cycle, named', 'name: x\nservices:\n  a: { command: a, depends_on: [b] }\n  b: { command: b, depends_on: [c] }\n  c: { command: c, depends_on: [a] }\n', /dependency cycle: a -> b -> c -> a/],
  ['two services on one port, both named', 'name: x\nservices:\n  a: { command: a, port: 18080 }\n  b: { command: b, port: 18080 }\n', /devnet\.yaml:4:\d+: services\.b\.port: port 18080 is claimed by both service "a" and service "b"/],
  ['two ranges on one port', 'name: x\nservices: {}\nranges:\n  - { name: r1, ports: 30000-30100 }\n  - { name: r2, ports: 30100-30200 }\n', /port 30100 is claimed by both range "r1" \(30000-30100\) and range "r2" \(30100-30200\)/],
  ['a port outside 1-65535', 'name: x\nservices:\n  a: { command: a, port: 70000 }\n', /services\.a\.port: expected an integer in 1-65535, got `70000`/],
  ['a malformed range', 'name: x\nservices: {}\nranges:\n  - { name: r, ports: 32767-30000 }\n', /devnet\.yaml:4:\d+: ranges\[0\]\.ports: malformed range 32767-30000 in "r": write LOW-HIGH with LOW <= HIGH/],
  ['a range that is not a range', 'name: x\nservices: {}\nranges:\n  - { name: r, ports: "30000..32767" }\n', /ranges\[0\]\.ports: expected a port range such as 30000-32767, got `"30000..32767"`/],
  ['an unknown interpolation reference', 'name: x\nservices:\n  a: { command: "node a.js ${services.b.port}" }\n', /services\.a\.command: \$\{services\.b\.port\}: unknown service "b"/],
  ['a port outside its group', 'name: x\ngroups:\n  - { name: cp, ports: 8400-8500 }\nservices:\n  a: { command: a, port: 8600, group: cp }\n', /services\.a\.port: port 8600 is outside its group "cp" \(8400-8500\)/],
  ['a missing env file', 'name: x\nenv_file: [.env.missing]\nservices: {}\n', /devnet\.yaml:2:12: env_file\[0\]: env file \.env\.missing not found/],
  ['an unquoted value holding ": ", with the fix', 'name: x\nservices:\n  a:\n    command: echo a: b\n', /devnet\.yaml:4:\d+: .*; a value that holds ": " must be quoted/],
  ['two probe kinds in one ready', 'name: x\nservices:\n  a: { command: a, port: 1, ready: { http: /, tcp: true } }\n', /devnet\.yaml:3:\d+: services\.a\.ready: ready takes exactly one probe, got http and tcp/],
  ['an invalid log regex, said once', 'name: x\nservices:\n  a: { command: a, ready: { log: "(" } }\n', /services\.a\.ready\.log: invalid regular expression: \/\(\/: Unterminated group$/m],
  ['a port pushed out of range by --port-offset', 'name: x\nservices:\n  a: { command: a, port: 65000 }\n', /port 66000 \(with --port-offset 1000\) is outside 1-65535/],
];

describe('invalid stacks', () => {
  it.each(cases)('refuses %s with exit 2', async (_what, yaml, message) => {
    await using s = tmpStack(yaml);
    const args = ['doctor', '--stack', s.file, ...(/offset/.test(_what) ? ['--port-offset', '1000'] : [])];
    const r = await devnet(args, { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr.trim().split('\n').every((l) => l.startsWith('error: '))).toBe(true);
  });

  it('refuses bad flags with exit 2', async () => {
    const r = await devnet(['doctor', '--port-offset', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected --port-offset to be an integer');
    expect((await devnet(['frobnicate'])).code).toBe(2);
  });

  it('refuses an unknown stack name, saying where it looked', async () => {
    const r = await devnet(['ports', '--stack', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no stack named "nope": looked in ./stacks/');
  });

  it('starts nothing when the stack is invalid', async () => {
    await using s = tmpStack('name: x\nservices:\n  a: { command: "node -e setInterval(()=>{},1000)", port: 18080 }\n  b: { command: b, port: 18080 }\n');
    const r = await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('start');
  });
});

describe('validation in one round', () => {
  it('reports schema, graph, port and interpolation problems together, sorted by position', async () => {
    await using s = tmpStack(`name: round
services:
  a:
    comand: x
  b: { command: "sleep 1", port: 18080, depends_on: [c] }
  d: { command: "sleep 1", port: 18080 }
  e: { command: "echo \${services.zz.port}" }
  f: { command: "sleep 1", depends_on: [a] }
`);
    const r = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines.map((l) => /devnet\.yaml:(\d+)/.exec(l)?.[1])).toEqual(['4', '5', '6', '7']);
    expect(lines[0]).toContain('unknown key "comand"');
    expect(lines[1]).toContain('unknown service "c"');
    expect(lines[2]).toContain('port 18080 is claimed by both service "b" and service "d"');
    expect(lines[3]).toContain('unknown service "zz"');
    // f's dependency on the refused a would only echo a's own problem
  });

  it('caps a long list and counts the rest', async () => {
    const services = Array.from({ length: 30 }, (_, i) => `  s${i}: { comand: x }`).join('\n');
    await using s = tmpStack(`name: many\nservices:\n${services}\n`);
    const r = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[20]).toContain('and 10 more problems');
  });

  it("reports a service's other problems beside its schema problem, in one round", async () => {
    await using s = tmpStack(`name: allatonce\nservices:\n  db: { command: "true" }\n  api:\n    command: "true"\n    port: notaport\n    depends_on: [dbb]\n`);
    const r = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('services.api.port: expected an integer');
    expect(r.stderr).toContain('services.api.depends_on[0]: unknown service "dbb" (did you mean "db"?)');
  });

  it('suggests the field meant in ${services.S.FIELD} and the service meant in ${services.S...}', async () => {
    await using s = tmpStack(`name: refs\nservices:\n  web: { command: "true", port: 18555 }\n  a: { command: "echo \${services.web.prot}" }\n  b: { command: "echo \${services.wbe.port}" }\n`);
    const r = await devnet(['doctor', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.stderr).toContain('${services.web.prot}: a service has no "prot" (did you mean "port"?)');
    expect(r.stderr).toContain('${services.wbe.port}: unknown service "wbe" (did you mean "web"?)');
  });
});
