import { describe, expect, it } from 'vitest';
import { StackError } from '../errors.js';
import { loadStackText } from './load.js';

const problemsOf = async (text: string): Promise<string[]> => {
  try {
    await loadStackText(text, '/nowhere/devnet.yaml', { displayName: 'devnet.yaml', env: {} });
  } catch (e) {
    if (e instanceof StackError) return e.problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`);
    throw e;
  }
  return [];
};

describe('a misspelt key', () => {
  it('is the one problem said: what needs the key it means does not also say it is missing', async () => {
    const text = 'name: t\nservices:\n  web:\n    command: ["node", "s.js", "${port}"]\n    prot: 8080\n    ready: { http: /health }\n';
    expect(await problemsOf(text)).toEqual(['5:5 services.web.prot: unknown key "prot" (did you mean "port"?)']);
  });

  it('with a value not valid where it was meant, is set aside with what follows from it', async () => {
    const text = 'name: t\nservices:\n  web:\n    command: ["node", "s.js", "${port}"]\n    prot: nope\n';
    const problems = await problemsOf(text);
    expect(problems).toContain('5:5 services.web.prot: unknown key "prot" (did you mean "port"?)');
    expect(problems.some((p) => p.includes('declares no port'))).toBe(true);
  });

  it('beside the key it resembles is not taken for it', async () => {
    const text = 'name: t\nservices:\n  web:\n    command: ["node", "s.js"]\n    port: 8080\n    prot: 9090\n';
    expect(await problemsOf(text)).toEqual(['6:5 services.web.prot: unknown key "prot" (did you mean "port"?)']);
  });
});
