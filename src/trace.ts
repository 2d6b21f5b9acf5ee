// DEVNET_TRACE=FILE: each process of a run appends "pid ms-since-epoch label" lines, so the
// path of one up -d (CLI, supervisor, down) can be laid out on one time line.
import { appendFileSync } from 'node:fs';

const file = process.env.DEVNET_TRACE;

/** `label`: a function where making the text costs something (it runs only when tracing). */
export function trace(label: string | (() => string)): void {
  if (file) appendFileSync(file, `${process.pid} ${(performance.timeOrigin + performance.now()).toFixed(1)} ${typeof label === 'string' ? label : label()}\n`);
}
