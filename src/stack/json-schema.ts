// The published JSON Schema of stack files (schema/stack.schema.json), from the validator's definition.
import { stackSchema } from './schema.js';
import { toJsonSchema } from './schema-dsl.js';

export function stackJsonSchema(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://devnet.dev/schema/stack.schema.json',
    title: 'devnet stack',
    ...toJsonSchema(stackSchema),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
