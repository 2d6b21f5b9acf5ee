// The view with Ink's own test renderer: it draws what the model computed and hands keys back.
import { describe, expect, it } from 'vitest';
import type { Key, Screen } from './model.js';
import type { ViewSource } from './view.js';

// as in a terminal: chalk decides at import whether it styles; here stdout is no TTY
process.env.FORCE_COLOR = '1';
const { render } = await import('ink-testing-library');
const { App } = await import('./view.js');

function source(first: Screen) {
  let screen = first;
  const fns = new Set<() => void>();
  const keys: { input: string; key: Key }[] = [];
  const sizes: [number, number][] = [];
  const s: ViewSource & { set(x: Screen): void; keys: typeof keys; sizes: typeof sizes } = {
    subscribe: (fn) => (fns.add(fn), () => void fns.delete(fn)),
    screen: () => screen,
    key: (input, key) => void keys.push({ input, key }),
    resize: (w, h) => void sizes.push([w, h]),
    set(x) {
      screen = x;
      for (const fn of fns) fn();
    },
    keys,
    sizes,
  };
  return s;
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('devnet ui: the view', () => {
  it('draws every line of the screen, and again when it changes', async () => {
    const src = source({ width: 60, height: 4, lines: [{ text: 'devnet ui  stack demo', bold: true }, { text: 'api  ready', selected: true }, { text: 'web  failed', tone: 'bad' }, { text: 'q quit', tone: 'dim' }] });
    const app = render(<App source={src} color={false} />);
    expect(app.lastFrame()).toContain('devnet ui  stack demo');
    expect(app.lastFrame()).toContain('web  failed');
    src.set({ width: 60, height: 2, lines: [{ text: 'stack down' }, { text: 'q quit' }] });
    await tick();
    expect(app.lastFrame()).toContain('stack down');
    expect(app.lastFrame()).not.toContain('web  failed');
    app.unmount();
  });

  it('hands keys to the source, arrows and Enter by name', async () => {
    const src = source({ width: 40, height: 1, lines: [{ text: 'x' }] });
    const app = render(<App source={src} color={false} />);
    await tick();
    app.stdin.write('j');
    app.stdin.write('\u001b[A');
    app.stdin.write('\r');
    await tick();
    expect(src.keys.map((k) => Object.keys(k.key).find((n) => k.key[n as keyof Key]) ?? k.input)).toEqual(['j', 'upArrow', 'return']);
    expect(src.sizes.length).toBeGreaterThan(0);
    app.unmount();
  });

  it('highlights search matches without colour by underlining them', () => {
    const src = source({ width: 40, height: 1, lines: [{ text: 'block 2 sealed', marks: [[0, 5]] }] });
    const app = render(<App source={src} color={false} />);
    // ink-testing-library keeps the escape codes: underline (4 ... 24) around the match alone, no colour codes (3x, 4x)
    const frame = app.lastFrame()!;
    expect(frame).toMatch(/\u001b\[4m(\u001b\[1m)?block(\u001b\[22m)?\u001b\[24m 2 sealed/);
    expect(frame).not.toMatch(/\u001b\[(3|4)\dm/);
    app.unmount();
  });
});
