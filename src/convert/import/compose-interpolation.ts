// Compose interpolation (compose-spec "Interpolation": $VAR, ${VAR}, ${VAR:-default},
// ${VAR-default}, ${VAR:?err}, ${VAR?err}, ${VAR:+alt}, ${VAR+alt}, $$ for a literal $) in
// devnet's words. Where devnet interpolates at run time (command, env, cwd, probes), a
// reference becomes ${env.VAR...} with the same operator, so it still reads the variable when
// the stack runs. Where devnet needs a value now (a port, an image, a restart policy), the
// string is resolved as compose would with the variable unset: its default, and a note says so.

/** A ${...} of compose, or $NAME, at `at` in `s`: where it ends and what it says. */
interface Ref {
  end: number;
  name: string;
  op?: ':-' | '-' | ':?' | '?' | ':+' | '+';
  arg: string;
}

function readRef(s: string, at: number): Ref | undefined {
  if (s[at + 1] === '{') {
    let depth = 1;
    let j = at + 2;
    for (; j < s.length && depth; j++) {
      if (s[j] === '{') depth++;
      else if (s[j] === '}') depth--;
    }
    if (depth) return undefined;
    const inner = s.slice(at + 2, j - 1);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/.exec(inner);
    if (!m) return undefined;
    return { end: j, name: m[1]!, op: m[2] as Ref['op'], arg: m[3] ?? '' };
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(at + 1));
  return m ? { end: at + 1 + m[0].length, name: m[0], arg: '' } : undefined;
}

/**
 * `s` with each $$ and each reference replaced: `dollars` says what $$ becomes (given the next
 * character), `ref` what a reference becomes (undefined: the whole string has no value).
 */
function rewrite(s: string, dollars: (next: string | undefined) => string, ref: (r: Ref) => string | undefined): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    if (s[i + 1] === '$') {
      out += dollars(s[i + 2]);
      i += 2;
      continue;
    }
    const r = readRef(s, i);
    if (!r) {
      out += c;
      i++;
      continue;
    }
    const v = ref(r);
    if (v === undefined) return undefined;
    out += v;
    i = r.end;
  }
  return out;
}

/** For a field devnet interpolates when it runs: compose's references as devnet's. */
export function toDevnet(s: string, note: (n: string) => void): string {
  return rewrite(
    s,
    // $$ is a literal $; before { it must stay literal for devnet too
    (next) => (next === '{' ? '$$' : '$'),
    (r) => {
      let arg = r.arg;
      if (/[${}]/.test(arg)) {
        // devnet's ${...} holds no nested reference: the default is kept as plain text
        arg = arg.replace(/\$\{([^}]*)\}/g, '$1').replace(/[${}]/g, '');
        note(`\${${r.name}${r.op}${r.arg}}: a nested reference in its default is kept as the text ${JSON.stringify(arg)}`);
      }
      // compose gives an unset variable as empty (with a warning): ${VAR} is ${env.VAR:-} here
      return r.op ? `\${env.${r.name}${r.op}${arg}}` : `\${env.${r.name}:-}`;
    },
  )!;
}

/**
 * For a field devnet needs a value of now: the string as compose reads it with every variable
 * unset (defaults taken, :+ and + empty). undefined when a required one (:? ?) has no value.
 */
export function resolveUnset(s: string): string | undefined {
  return rewrite(
    s,
    () => '$',
    (r) => (r.op === '?' || r.op === ':?' ? undefined : r.op === '-' || r.op === ':-' ? resolveUnset(r.arg) : ''),
  );
}

export const hasInterpolation = (s: string): boolean => /\$(\{|[A-Za-z_])/.test(s.replace(/\$\$/g, ''));
