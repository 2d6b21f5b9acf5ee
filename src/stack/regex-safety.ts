// A ready: { log } regex runs on every output line in the supervisor, whose event loop also
// runs every timeout: a pattern that can backtrack exponentially (`^(a+)+$`) on one unlucky
// line would pin it and no readiness timeout would fire. Such patterns (a repeated group that
// itself repeats: star height above one) are refused, as the safe-regex heuristic does, and
// the matcher sees at most MAX_MATCHED_LINE characters of a line.

export const MAX_MATCHED_LINE = 4096;

/** The first repeated group that repeats inside, e.g. "(a+)+", or undefined when the pattern is safe. */
export function nestedQuantifier(pattern: string): string | undefined {
  // per open group: where it starts, and whether something inside it repeats
  const groups: { start: number; repeats: boolean }[] = [];
  let inClass = false;
  const quantifierAt = (i: number) => {
    const c = pattern[i];
    return c === '*' || c === '+' || (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i)) && !/^\{(0,)?1\}/.test(pattern.slice(i)));
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      i++;
      if (quantifierAt(i + 1) && groups.length) groups[groups.length - 1]!.repeats = true;
      continue;
    }
    if (inClass) {
      if (c === ']') {
        inClass = false;
        if (quantifierAt(i + 1) && groups.length) groups[groups.length - 1]!.repeats = true;
      }
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') {
      groups.push({ start: i, repeats: false });
      continue;
    }
    if (c === ')') {
      const g = groups.pop();
      if (!g) continue;
      if (quantifierAt(i + 1)) {
        if (g.repeats) return pattern.slice(g.start, i + 2);
        // the group repeats: whatever holds it repeats too
        if (groups.length) groups[groups.length - 1]!.repeats = true;
      } else if (g.repeats && groups.length) groups[groups.length - 1]!.repeats = true;
      continue;
    }
    if (quantifierAt(i + 1) && c !== '*' && c !== '+' && c !== '?' && groups.length) groups[groups.length - 1]!.repeats = true;
  }
  return undefined;
}
