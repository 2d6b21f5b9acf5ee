// Colour only for people: a TTY without NO_COLOR; FORCE_COLOR=1 forces it, FORCE_COLOR=0 forbids it.
export function colorEnabled(stream: { isTTY?: boolean } = process.stdout, env = process.env): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

/**
 * The live task list needs a terminal it can redraw in: one that says how wide it is. A pty
 * of 0 columns (some CI runners, a detached screen) got one character a line: plain lines there.
 */
export function liveViewFits(stream: { isTTY?: boolean; columns?: number } = process.stdout): boolean {
  return !!stream.isTTY && (stream.columns ?? 0) >= 20;
}

const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39], cyan: [36, 39], gray: [90, 39], bold: [1, 22], dim: [2, 22] } as const;
export type StyleName = keyof typeof CODES;
export type Paint = (style: StyleName, text: string) => string;

export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => `\x1b[${CODES[style][0]}m${text}\x1b[${CODES[style][1]}m` : (_style, text) => text;
}

/** Colours cycled over service names in prefixed log lines, docker compose style. */
export const SERVICE_COLORS: StyleName[] = ['cyan', 'yellow', 'green', 'magenta', 'blue'];
