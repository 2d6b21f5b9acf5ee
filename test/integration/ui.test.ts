// devnet ui as a person uses it, in a real terminal (tmux): attached to a running stack, it
// shows every service, steers the selected one through the supervisor, searches the logs,
// leaves the stack running on q, brings it down on D, and says when the supervisor is gone.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, devnet, fixture, freePorts, pidAlive, tmpStack, waitFor, type TmpStack } from '../helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const node = process.execPath;

async function stackOf3(name: string) {
  const [a, b, c] = await freePorts(3);
  return tmpStack(`name: ${name}
services:
  db:
    command: ["${node}", "${fixture('http.mjs')}", "${a}"]
    port: ${a}
    ready: { http: /health }
  api:
    command: ["${node}", "${fixture('http.mjs')}", "${b}"]
    port: ${b}
    depends_on: [db]
    ready: { http: /health }
  web:
    command: ["${node}", "${fixture('http.mjs')}", "${c}"]
    port: ${c}
    depends_on: [api]
    ready: { http: /health }
`);
}

/** A terminal of its own (a tmux server per test) running `args` of devnet; the pane stays after it exits. */
function terminal(s: TmpStack, args: string[], size = { x: 120, y: 36 }) {
  const socket = `devnet-ui-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
  const quoted = args.map((x) => `'${x}'`).join(' ');
  tmux('new-session', '-d', '-x', String(size.x), '-y', String(size.y), `cd '${s.dir}' && env -u NO_COLOR DEVNET_STACK= DEVNET_STATE_DIR='${s.stateDir}' '${node}' '${CLI}' ${quoted}; echo "exit=$?"; sleep 120`);
  const screen = () => tmux('capture-pane', '-p');
  return {
    screen,
    keys: (...k: string[]) => void tmux('send-keys', ...k),
    async until(re: RegExp, what: string, ms = 10_000): Promise<string> {
      let last = '';
      await waitFor(() => re.test((last = screen())), ms, `${what}; the screen:\n${last}`).catch((e: Error) => {
        throw new Error(`${e.message}\n${last}`);
      });
      return last;
    },
    [Symbol.dispose]: () => void spawnSync('tmux', ['-L', socket, 'kill-server']),
  };
}

async function pids(s: TmpStack): Promise<Record<string, number>> {
  const r = await devnet(['status', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
  return Object.fromEntries((JSON.parse(r.stdout).services as { name: string; pid: number }[]).map((x) => [x.name, x.pid]));
}

const stateOf = async (s: TmpStack, name: string) => {
  const r = await devnet(['status', '--json', '--stack', s.file], { cwd: s.dir, env: s.env });
  return (JSON.parse(r.stdout).services as { name: string; state: string }[]).find((x) => x.name === name)?.state;
};

describe.skipIf(!hasTmux)('devnet ui in a terminal', () => {
  it('shows every service, steers only the selected one, searches its logs, and leaves the stack running on q', async () => {
    await using s = await stackOf3('uisteer');
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    const before = await pids(s);
    using t = terminal(s, ['ui', '--stack', s.file]);
    let screen = await t.until(/web\s+ready/, 'every service shown ready');
    for (const n of ['db', 'api', 'web']) expect(screen).toMatch(new RegExp(`^${n}\\s+ready\\s+${before[n]}\\s`, 'm'));
    // the first service in start order is selected: its logs are shown
    expect(screen).toMatch(/logs of db/);

    t.keys('j');
    await t.until(/logs of api/, 'api selected');
    t.keys('r');
    await t.until(/restarted api in \d/, 'the restart reported');
    const after = await pids(s);
    expect(after.api).not.toBe(before.api);
    expect([after.db, after.web]).toEqual([before.db, before.web]);

    // a stop that would take web down asks first; Esc does nothing
    t.keys('x');
    await t.until(/api is needed by running web: w stops them too/, 'the question');
    t.keys('Escape');
    await t.until(/nothing was done/, 'the cancel');
    expect(await stateOf(s, 'api')).toBe('ready');

    t.keys('j');
    await t.until(/logs of web/, 'web selected');
    t.keys('x');
    await t.until(/stopped web in/, 'web stopped');
    await t.until(/^web\s+stopped/m, 'web shown stopped');
    t.keys('s');
    await t.until(/started web in/, 'web started');
    await t.until(/^web\s+ready/m, 'web shown ready');

    t.keys('p');
    await t.until(/^web\s+paused/m, 'web shown paused');
    expect(await stateOf(s, 'web')).toBe('paused');
    const webPid = (await pids(s)).web!;
    expect(readFileSync(`/proc/${webPid}/stat`, 'latin1').split(') ')[1]![0]).toBe('T');
    t.keys('p');
    await t.until(/^web\s+ready/m, 'web shown ready again');

    // typed as one chunk, as a fast typist or a paste gives it
    t.keys('-l', '/listening on');
    t.keys('Enter');
    screen = await t.until(/\/listening on\/: \d+ matching line/, 'the search result');

    t.keys('q');
    await t.until(/left devnet ui; stack uisteer keeps running[\s\S]*exit=0/, 'leaving');
    expect(Object.values(await pids(s)).every(pidAlive)).toBe(true);
  });

  it('D brings the stack down after a confirmation; a supervisor killed while the UI is open is shown as gone', async () => {
    await using s = await stackOf3('uidown');
    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    const started = await pids(s);
    {
      using t = terminal(s, ['ui', '--stack', s.file], { x: 80, y: 24 });
      await t.until(/web\s+ready/, 'the stack shown at 80x24');
      t.keys('D');
      await t.until(/bring stack uidown down, every service\? y\/N/, 'the question');
      t.keys('y');
      await t.until(/stack uidown is down[\s\S]*exit=0/, 'the stack down');
    }
    expect(Object.values(started).some(pidAlive)).toBe(false);

    expect((await devnet(['up', '-d', '--stack', s.file], { cwd: s.dir, env: s.env })).code).toBe(0);
    using t = terminal(s, ['ui', '--stack', s.file]);
    await t.until(/web\s+ready/, 'the stack shown');
    const state = JSON.parse(readFileSync(join(s.stateDir, 'uidown', 'state.json'), 'utf8')) as { supervisor: { pid: number } };
    process.kill(state.supervisor.pid, 'SIGKILL');
    await t.until(/supervisor GONE \(was \d+\)/, 'the supervisor shown gone');
    t.keys('r');
    await t.until(/steering is off; devnet down stops what is left/, 'steering refused');
  });

  it('up --ui opens the screen on the stack it starts; leaving it stops the stack; a refused start exits 3', async () => {
    await using s = await stackOf3('uiup');
    {
      using t = terminal(s, ['up', '--ui', '--stack', s.file]);
      await t.until(/web\s+ready/, 'the stack started in the screen');
      expect(t.screen()).toMatch(/q stop stack & quit/);
      const started = await pids(s);
      t.keys('q');
      await t.until(/stopping stack uiup \(devnet ui was left\)[\s\S]*down\s+stack uiup stopped[\s\S]*exit=0/, 'the stack stopped after the screen');
      expect(Object.values(started).some(pidAlive)).toBe(false);
    }
    const port = Number(/port: (\d+)/.exec(readFileSync(s.file, 'utf8'))![1]);
    const { holdPort } = await import('../helpers.js');
    await using held = await holdPort(port);
    using t = terminal(s, ['up', '--ui', '--stack', s.file]);
    await t.until(/is held by pid \d+[\s\S]*exit=3/, 'the refusal, after the screen closed');
    void held;
  });

  it('outside a terminal it says why it cannot run (exit 2)', async () => {
    await using s = await stackOf3('uinotty');
    const r = await devnet(['ui', '--stack', s.file], { cwd: s.dir, env: s.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/devnet ui needs a terminal: its output is not a terminal/);
  });
});
