// The README and docs/ link to each other's sections: every link must lead to a file and a
// heading that exist, so moving a section cannot leave a dead link behind.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

/** GitHub's anchors: lower case, punctuation dropped, spaces as -. */
const anchorsOf = (text: string) =>
  new Set(
    text
      .split('\n')
      .map((l) => /^#+ (.*)$/.exec(l)?.[1])
      .filter((h): h is string => h !== undefined)
      .map((h) => h.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-')),
  );

describe('documentation links', () => {
  it('lead to files and headings that exist', () => {
    const files = ['README.md', 'bench/RESULTS.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const dead: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^https?:/.test(link!)) continue;
        const [path, anchor] = link!.split('#');
        const target = path ? normalize(join(dirname(f), path)) : f;
        if (!existsSync(join(ROOT, target))) dead.push(`${f}: ${link} (no such file)`);
        else if (anchor && target.endsWith('.md') && !anchorsOf(readFileSync(join(ROOT, target), 'utf8')).has(anchor)) dead.push(`${f}: ${link} (no such heading)`);
      }
    }
    expect(dead).toEqual([]);
  });

  it('keep the README to about two screens', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(90);
  });
});
