// lsof's machine-readable output (-F): one field per line, its kind in the first character.
// `lsof -nP -iTCP -sTCP:LISTEN -F pctn` gives, per process, p<pid> and c<command>, then per
// socket t<IPv4|IPv6> and n<address:port>; a wildcard address is `*`, IPv6 in brackets.
import type { Listener } from '../types.js';

export interface LsofListener extends Listener {
  command: string;
}

export function parseLsof(text: string): LsofListener[] {
  const out: LsofListener[] = [];
  let pid = 0;
  let command = '';
  let family: 4 | 6 = 4;
  for (const line of text.split('\n')) {
    const kind = line[0];
    const value = line.slice(1);
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
      if (Number.isInteger(port) && port > 0) out.push({ address, port, family, pid, command });
    }
  }
  return out;
}
