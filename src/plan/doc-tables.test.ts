import { describe, expect, it } from 'vitest';
import { docPortTables, parsePorts, plain } from './doc-tables.js';

describe('port tables as teams write them', () => {
  it('reads cells for what they say', () => {
    expect(plain('**Global API Server (`apiserver`)**')).toBe('Global API Server (apiserver)');
    expect(plain('[Docs](http://x) _here_')).toBe('Docs here');
    expect(parsePorts('`30000-32767`')).toEqual([[30000, 32767]]);
    expect(parsePorts('**8080**, 8081/tcp')).toEqual([[8080, 8080], [8081, 8081]]);
    expect(parsePorts('none')).toEqual([]);
  });
  it('finds tables with a port column in any position, names by Service/Name/Component or the first column, struck rows deprecated', () => {
    const doc = ['# x', '', '| Port | What |', '|---|---|', '| 80 | web |', '', '| Component | Notes | Ports |', '|---|---|---|', '| ~~old~~ | gone | ~~9000~~ |', '| db | - | 5432 |', '', '| Range | Usage |', '|---|---|', '| 1-2 | x |'].join('\n');
    const tables = docPortTables(doc);
    expect(tables).toHaveLength(2);
    expect(tables[0]!.rows).toMatchObject([{ line: 5, name: 'web', ports: [[80, 80]], deprecated: false }]);
    expect(tables[1]!.nameColumn).toBe('Component');
    expect(tables[1]!.rows).toMatchObject([
      { line: 9, name: 'old', deprecated: true },
      { line: 10, name: 'db', ports: [[5432, 5432]], deprecated: false },
    ]);
  });
});
