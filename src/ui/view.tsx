// The view of devnet ui: draws the Screen the model computed, line by line, and hands keys
// and resizes back. It knows nothing of stacks; built alone (dist/ui.mjs) with Ink and React,
// which only devnet ui loads. Ink because it is what Node's terminal tools (Claude Code,
// Gatsby, Prisma, Shopify's CLI) are built with: React's reconciler gives one render per frame
// however often the state changes, and its input parser knows the terminals' key sequences.
import { useEffect, useSyncExternalStore } from 'react';
import { Box, render, Text, useInput, useStdout, type Key as InkKey } from 'ink';
import type { Cell, Key, Screen, Tone } from './model.js';

export interface ViewSource {
  subscribe(fn: () => void): () => void;
  screen(): Screen;
  key(input: string, key: Key): void;
  resize(width: number, height: number): void;
}

const TONE: Record<Tone, string | undefined> = { ok: 'green', warn: 'yellow', bad: 'red', dim: 'gray', plain: undefined };

function toKey(k: InkKey): Key {
  return { upArrow: k.upArrow, downArrow: k.downArrow, pageUp: k.pageUp, pageDown: k.pageDown, return: k.return, escape: k.escape, backspace: k.backspace, delete: k.delete, ctrl: k.ctrl };
}

export function App({ source, color }: { source: ViewSource; color: boolean }) {
  const screen = useSyncExternalStore(
    (fn) => source.subscribe(fn),
    () => source.screen(),
  );
  const { stdout } = useStdout();
  useEffect(() => {
    // one line short of the terminal: a frame as tall as the terminal makes Ink clear it each time (flicker)
    const fit = () => source.resize(stdout.columns || 80, Math.max(8, (stdout.rows || 24) - 1));
    fit();
    stdout.on('resize', fit);
    return () => void stdout.off('resize', fit);
  }, [stdout, source]);
  useInput((input, key) => source.key(input, toKey(key)));
  return (
    <Box flexDirection="column" width={screen.width} height={screen.height}>
      {screen.lines.map((cell, i) => (
        <Line key={i} cell={cell} color={color} />
      ))}
    </Box>
  );
}

function Line({ cell, color }: { cell: Cell; color: boolean }) {
  const text = cell.text || ' ';
  const parts: { text: string; mark: boolean }[] = [];
  let at = 0;
  for (const [a, b] of cell.marks ?? []) {
    if (a > at) parts.push({ text: text.slice(at, a), mark: false });
    parts.push({ text: text.slice(a, b), mark: true });
    at = b;
  }
  if (at < text.length) parts.push({ text: text.slice(at), mark: false });
  return (
    <Text wrap="truncate" inverse={cell.selected} bold={cell.bold} color={color ? TONE[cell.tone ?? 'plain'] : undefined}>
      {parts.map((p, i) =>
        p.mark ? (
          // without colour a match is underlined: inverse is the selection's
          <Text key={i} color={color ? 'black' : undefined} backgroundColor={color ? 'yellow' : undefined} underline={!color} bold>
            {p.text}
          </Text>
        ) : (
          p.text
        ),
      )}
    </Text>
  );
}

export interface Shown {
  /** resolves once the view is gone */
  closed: Promise<void>;
  close(): void;
}

/** Draws the source on the terminal, full screen (the alternate screen, as less and top do), until closed. */
export function showView(source: ViewSource, o: { color: boolean; stdout?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream }): Shown {
  const stdout = o.stdout ?? process.stdout;
  stdout.write('\x1b[?1049h\x1b[H');
  const app = render(<App source={source} color={o.color} />, { stdout, stdin: o.stdin ?? process.stdin, exitOnCtrlC: false, patchConsole: false, maxFps: 30 });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    app.unmount();
    stdout.write('\x1b[?1049l');
  };
  return { closed: app.waitUntilExit().then(() => undefined), close };
}
