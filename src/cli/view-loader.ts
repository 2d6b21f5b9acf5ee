// The UI's view is an ES module (Ink and React are), built alone as dist/ui.mjs. The CLI's
// bundle is compiled through vm.Script for its code cache, where import() needs a flag, so
// bin/devnet.cjs, a plain CommonJS file, does the import and hands it in.
import type * as View from '../ui/view.js';

export type ViewModule = typeof View;
let loader: (() => Promise<ViewModule>) | undefined;

export function setViewLoader(fn: (() => Promise<ViewModule>) | undefined): void {
  loader = fn;
}

export async function loadView(): Promise<ViewModule> {
  if (!loader) throw new Error('the UI view is loaded by bin/devnet.cjs, which did not give a loader');
  return loader();
}
