// The live task list as a person sees it, in a real terminal (tmux): a service's real state
// and its latest output line beneath its task while it is probed.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, reapStack, tmpStack, waitFor } from '../helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const node = process.execPath;

describe.skipIf(!hasTmux)('the live task list in a terminal', () => {
  it("shows a probing service's probe, its time, and its latest output line under it", async () => {
    await using s = tmpStack(`name: liveview
services:
  db-user:
    command: ["${node}", "-e", "let i = 0; setInterval(() => console.log('cannot connect to database, attempt ' + ++i), 200)"]
    port: 1
    ready: { tcp: true, timeout: 30s }
`);
    const socket = `devnet-test-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const command = `cd '${s.dir}' && env -u NO_COLOR FORCE_COLOR=1 DEVNET_STACK= DEVNET_STATE_DIR='${s.stateDir}' '${node}' '${CLI}' up --stack '${s.file}'; sleep 60`;
    tmux('new-session', '-d', '-x', '160', '-y', '20', command);
    try {
      let screen = '';
      await waitFor(
        () => {
          screen = tmux('capture-pane', '-p');
          return /attempt [2-9]/.test(screen);
        },
        15_000,
        'the task list to show the service output',
      );
      const lines = screen.split('\n');
      const at = lines.findIndex((l) => l.includes('db-user: probing tcp 127.0.0.1:1'));
      expect(at, screen).toBeGreaterThanOrEqual(0);
      expect(lines[at]).toMatch(/\(\d+s\)/);
      expect(lines[at + 1], screen).toMatch(/cannot connect to database, attempt \d+/);
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
      reapStack('liveview');
    }
  });
});
