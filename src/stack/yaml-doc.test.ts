import { describe, expect, it } from 'vitest';
import { parseYaml } from './yaml-doc.js';

describe('YAML as devnet reads it', () => {
  it('merges <<: *anchor keys, the merged values overridden by the mapping own keys', () => {
    const r = parseYaml(`x-env: &env
  LOG_LEVEL: info
  RUST_LOG: warn
services:
  a:
    environment:
      <<: *env
      LOG_LEVEL: debug
  b:
    <<: [{ image: x }, { restart: always }]
`, 'compose.yaml');
    expect(r.syntaxErrors).toEqual([]);
    const v = r.value as { services: Record<string, Record<string, unknown>> };
    expect(v.services.a!.environment).toEqual({ LOG_LEVEL: 'debug', RUST_LOG: 'warn' });
    expect(v.services.b).toEqual({ image: 'x', restart: 'always' });
  });

  it('loads a file with hundreds of aliases, and refuses the billion laughs with its position', () => {
    const many = `x-d: &d { restart: always, logging: { driver: json-file, options: { max-size: 10m } } }\nservices:\n${Array.from({ length: 400 }, (_, i) => `  s${i}:\n    <<: *d\n    image: img${i}`).join('\n')}\n`;
    const ok = parseYaml(many, 'big.yaml');
    expect(ok.syntaxErrors).toEqual([]);
    expect((ok.value as { services: Record<string, { restart: string }> }).services.s399!.restart).toBe('always');
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    const bomb = parseYaml(laughs, 'bomb.yaml');
    expect(bomb.syntaxErrors).toHaveLength(1);
    expect(bomb.syntaxErrors[0]).toMatchObject({ file: 'bomb.yaml', message: expect.stringMatching(/aliases expand past devnet's limit of 1,000,000 nodes/) });
    expect(bomb.syntaxErrors[0]!.line).toBeGreaterThan(1);
  });
});
