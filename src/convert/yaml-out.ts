// YAML that every reader reads back as written. compose (go-yaml), kubectl and many tools
// still read YAML 1.1, where yes, on, off, y and NO are booleans and 0o17 or 1_000 numbers
// differ from YAML 1.2: a string either version would resolve to another type is quoted.
import { Document, isScalar, visit } from 'yaml';

const STR = 'tag:yaml.org,2002:str';
let implicit: RegExp[] | undefined;

/** The patterns by which YAML 1.1 and 1.2 read a plain scalar as something other than a string. */
function implicitTypes(): RegExp[] {
  return (implicit ??= (['1.1', '1.2'] as const).flatMap((version) =>
    new Document(null, { version }).schema.tags.flatMap((t) => (t.default && t.tag !== STR && t.test instanceof RegExp ? [t.test] : [])),
  ));
}

/** A string that a YAML 1.1 or 1.2 reader would not read back as the same string. */
export const needsQuotes = (s: string): boolean => implicitTypes().some((re) => re.test(s));

export function stringifyPortable(value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      if (isScalar(node) && typeof node.value === 'string' && node.value !== '' && needsQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 });
}
