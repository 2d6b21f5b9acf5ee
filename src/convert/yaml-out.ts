// YAML that every reader reads back as written. compose (go-yaml), kubectl and many tools
// still read YAML 1.1, where yes, on, off, y and NO are booleans and 0o17 or 1_000 numbers
// differ from YAML 1.2: a string either version would read as something else is quoted.
import { Document, isScalar, parse, visit } from 'yaml';

function rereads(s: string, version: '1.1' | '1.2'): boolean {
  try {
    return parse(s, { version }) === s;
  } catch {
    return false;
  }
}

/** A string that a YAML 1.1 or 1.2 reader would not read back as the same string. */
export const needsQuotes = (s: string): boolean => !rereads(s, '1.1') || !rereads(s, '1.2');

export function stringifyPortable(value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      if (isScalar(node) && typeof node.value === 'string' && node.value !== '' && needsQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 });
}
