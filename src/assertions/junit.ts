// JUnit XML, as CI servers read it (Jenkins, GitLab, GitHub's test reporters): one testsuite
// per test file, one testcase per line of it; a failure carries the message and what was seen.
import type { StepResult } from './run-steps.js';

const esc = (s: string) =>
  s
    // XML 1.0 has no place for most control characters, escaped or not
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export interface SuiteResult {
  file: string;
  stack: string;
  results: StepResult[];
}

export function junitXml(suites: readonly SuiteResult[], at = new Date()): string {
  const secs = (ms: number) => (ms / 1000).toFixed(3);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = suites.flatMap((s) => s.results);
  const failed = (r: StepResult) => !r.ok && !r.skipped;
  out.push(`<testsuites name="devnet test" tests="${all.length}" failures="${all.filter(failed).length}" skipped="${all.filter((r) => r.skipped).length}" time="${secs(all.reduce((n, r) => n + r.ms, 0))}">`);
  for (const s of suites) {
    const t = s.results.reduce((n, r) => n + r.ms, 0);
    out.push(
      `  <testsuite name="${esc(s.file)}" tests="${s.results.length}" failures="${s.results.filter(failed).length}" errors="0" skipped="${s.results.filter((r) => r.skipped).length}" time="${secs(t)}" timestamp="${at.toISOString().slice(0, 19)}">`,
    );
    for (const r of s.results) {
      const name = esc(`${s.file}:${r.step.line}: ${r.step.text}`);
      const head = `    <testcase name="${name}" classname="devnet.${esc(s.stack)}" file="${esc(s.file)}" line="${r.step.line}" time="${secs(r.ms)}"`;
      if (r.skipped) out.push(`${head}>`, '      <skipped message="not run: an earlier step stopped the run"/>', '    </testcase>');
      else if (!r.ok) out.push(`${head}>`, `      <failure message="${esc(`failed: ${r.step.text}`)}" type="assertion">${esc(r.saw ? `saw: ${r.saw}` : '')}</failure>`, '    </testcase>');
      else out.push(`${head}/>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
