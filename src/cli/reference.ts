// docs/cli.md: every command and flag, generated from the command definitions --help prints,
// so the reference cannot drift from what devnet accepts.
import type { Command, Option } from 'commander';
import { EXAMPLES, buildProgram } from './program.js';

const cell = (text: string | undefined) => (text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

function optionRow(o: Option): string {
  const extra = [o.argChoices ? `one of: ${o.argChoices.join(', ')}` : '', o.defaultValue !== undefined && o.defaultValue !== false ? `default: ${String(o.defaultValue)}` : ''].filter(Boolean).join('; ');
  return `| \`${o.flags}\` | ${cell(o.description)}${extra ? ` (${cell(extra)})` : ''} |`;
}

function commandSection(c: Command): string[] {
  const args = c.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`)).join(' ');
  const aliases = c.aliases().length ? ` (alias ${c.aliases().map((a) => `\`${a}\``).join(', ')})` : '';
  const out = [`## devnet ${c.name()}${aliases}`, '', '```', `devnet ${c.name()}${args ? ` ${args}` : ''} [options]`, '```', '', `${cell(c.description())}.`, ''];
  for (const a of c.registeredArguments) out.push(`- \`${a.name()}\`: ${a.description}`);
  if (c.registeredArguments.length) out.push('');
  if (c.options.length) out.push('| option | what it does |', '| --- | --- |', ...c.options.map(optionRow), '');
  const ex = EXAMPLES[c.name()];
  if (ex?.length) out.push('Examples:', '', '```sh', ...ex, '```', '');
  return out;
}

export function cliReference(version = 'dev'): string {
  const program = buildProgram(version);
  const out = [
    '# Command reference',
    '',
    '<!-- generated from src/cli/program.ts by the build: edit the command definitions, not this file -->',
    '',
    `${program.description()}`,
    '',
    'Exit codes: 0 ok; 1 a service or assertion failed, or something could not be stopped; 2 bad usage or',
    'invalid input; 3 preflight refused. Environment: `DEVNET_STACK`, `DEVNET_STATE_DIR`, `DEVNET_PLATFORM`,',
    '`NO_COLOR`, `FORCE_COLOR` (see `devnet --help`).',
    '',
    '| command | what it does |',
    '| --- | --- |',
    ...program.commands.map((c) => `| [\`${c.name()}\`](#devnet-${c.name()}${c.aliases().length ? `-alias-${c.aliases().join('-')}` : ''}) | ${cell(c.description())} |`),
    '',
  ];
  for (const c of program.commands) out.push(...commandSection(c));
  return `${out.join('\n').trimEnd()}\n`;
}

/** Every command and long flag, for the test that none is undocumented. */
export function documentedFlags(): { command: string; flags: string[] }[] {
  return buildProgram('dev').commands.map((c) => ({ command: c.name(), flags: c.options.map((o) => o.long ?? o.short ?? o.flags) }));
}
