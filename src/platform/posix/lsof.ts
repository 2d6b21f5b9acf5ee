// lsof's machine-readable output (-F): one field per line, its kind in the first character.
// `lsof -nP -iTCP -sTCP:LISTEN -F pctn` gives, per process, p<pid> and c<command>, then per
// socket t<IPv4|IPv6> and n<address:port>; a wildcard address is `*`, IPv6 in brackets.
import { isIP } from 'node:net';
import type { Connection, Listener } from '../types.js';
import { ToolOutputError } from '../../errors.js';

export interface LsofListener extends Listener {
  command: string;
}

/** The fields `-F pctn` prints (f, the descriptor, always comes too). */
const FIELDS = new Set(['p', 'c', 't', 'n', 'f']);

function garbage(line: string): never {
  throw new ToolOutputError(`lsof printed a line that is not one of its -F fields: ${JSON.stringify(line.slice(0, 80))}`);
}

export function parseLsof(text: string): LsofListener[] {
  const out: LsofListener[] = [];
  let pid = 0;
  let command = '';
  let family: 4 | 6 = 4;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const kind = line[0]!;
    const value = line.slice(1);
    if (!FIELDS.has(kind) || (kind === 'p' && !/^\d+$/.test(value))) garbage(line);
    if (kind === 'p') pid = Number(value);
    else if (kind === 'c') command = value;
    else if (kind === 't') family = value === 'IPv6' ? 6 : 4;
    else if (kind === 'n') {
      // a connection (a->b) is not a listener; -sTCP:LISTEN leaves none, but never trust that
      if (value.includes('->')) continue;
      const at = value.lastIndexOf(':');
      const port = Number(value.slice(at + 1));
      let address = value.slice(0, at).replace(/^\[|\]$/g, '');
      if (address === '*') address = family === 6 ? '::' : '0.0.0.0';
      if (address.includes(':')) family = 6;
      if (!pid || !isIP(address) || !Number.isInteger(port) || port <= 0 || port > 65535) garbage(line);
      out.push({ address, port, family, pid, command });
    }
  }
  return out;
}

/** `lsof -nP -iTCP:PORT -F pctn`: the connections (a->b) among its sockets, with their holders. */
export function parseLsofConnections(text: string, port: number): (Connection & { command: string })[] {
  const out: (Connection & { command: string })[] = [];
  let pid = 0;
  let command = '';
  let family: 4 | 6 = 4;
  for (const line of text.split('\n')) {
    const kind = line[0];
    const value = line.slice(1);
    if (kind === 'p') pid = Number(value);
    else if (kind === 'c') command = value;
    else if (kind === 't') family = value === 'IPv6' ? 6 : 4;
    else if (kind === 'n' && value.includes('->')) {
      const [local, remote] = value.split('->') as [string, string];
      const at = local.lastIndexOf(':');
      if (Number(local.slice(at + 1)) !== port) continue;
      out.push({ address: local.slice(0, at).replace(/^\[|\]$/g, ''), port, family, pid, command, remote });
    }
  }
  return out;
}
