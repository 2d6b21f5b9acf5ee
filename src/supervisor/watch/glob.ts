// watch: entries are paths or globs relative to the service cwd: `src`, `src/**/*.ts`,
// `config/*.{json,yaml}`. The watcher watches each glob's literal base directory and
// matches changed paths against the glob; `**` crosses directories, `*` and `?` do not.

const GLOB_CHARS = /[*?[{]/;

/** The directory part before the first glob character: what is watched. */
export function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const i = parts.findIndex((p) => GLOB_CHARS.test(p));
  if (i < 0) return pattern;
  return parts.slice(0, i).join('/') || '.';
}

export const isGlob = (pattern: string): boolean => GLOB_CHARS.test(pattern);

export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more whole directories
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${pattern.slice(i + 1, end).split(',').map(escape).join('|')})`;
        i = end;
      }
    } else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
