import { describe, expect, it } from 'vitest';
import { splitCommand } from './argv.js';

describe('splitCommand', () => {
  it('splits on whitespace and honours quotes and escapes', () => {
    expect(splitCommand(`python -m uvicorn app:app --port 8080`)).toEqual(['python', '-m', 'uvicorn', 'app:app', '--port', '8080']);
    expect(splitCommand(`node -e "console.log('a b')" 'x y' z\\ w ""`)).toEqual(['node', '-e', "console.log('a b')", 'x y', 'z w', '']);
  });

  it('treats shell syntax as plain words: nothing can inject', () => {
    expect(splitCommand('echo a; rm -rf / && $(id) | cat')).toEqual(['echo', 'a;', 'rm', '-rf', '/', '&&', '$(id)', '|', 'cat']);
  });

  it('refuses an unterminated quote', () => {
    expect(() => splitCommand(`echo "abc`)).toThrow('unterminated " quote');
  });
});
