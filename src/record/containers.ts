// The containers of a recorded run, found through the engine by devnet's labels: down removes
// whatever of this stack is still there after the services were stopped (a CLI killed between
// `docker run` and its container's start, a supervisor killed with SIGKILL), and up refuses to
// start over live containers of a dead run. Only containers labelled with this stack's state
// folder are ever touched.
import { LABEL, labelledContainers, removeContainers, type EngineRef, type LabelledContainer } from '../container/engine.js';
import type { ServiceRecord } from '../state/store.js';

/** The engines the records name, each once (most runs: one). */
export function enginesOf(recs: readonly ServiceRecord[]): EngineRef[] {
  const out = new Map<string, EngineRef>();
  for (const r of recs) if (r.container) out.set(JSON.stringify(r.container.engine), r.container.engine);
  return [...out.values()];
}

export interface ContainerSweep {
  removed: LabelledContainer[];
  /** what could not be removed, or an engine that did not answer: down failed */
  problems: string[];
}

/** Removes every container labelled with this stack's state folder, running or not. */
export async function sweepContainers(recs: readonly ServiceRecord[], stateDir: string): Promise<ContainerSweep> {
  const removed: LabelledContainer[] = [];
  const problems: string[] = [];
  for (const engine of enginesOf(recs)) {
    let found: LabelledContainer[];
    try {
      found = labelledContainers(engine, { [LABEL.state]: stateDir });
    } catch (e) {
      problems.push(`the containers of this stack could not be listed (${(e as Error).message}); once the engine answers, run devnet down again`);
      continue;
    }
    const why = await removeContainers(engine, found.map((c) => c.id));
    if (why) problems.push(`containers ${found.map((c) => c.name).join(', ')} could not be removed (${why}); run devnet down again, or remove them with ${engine.cli} rm -f`);
    else removed.push(...found);
  }
  return { removed, problems };
}

/** Live containers of the run: up must not start a second copy over them. */
export function liveContainers(recs: readonly ServiceRecord[], runId: string): LabelledContainer[] {
  return enginesOf(recs).flatMap((engine) => {
    try {
      return labelledContainers(engine, { [LABEL.run]: runId }).filter((c) => c.state === 'running' || c.state === 'paused' || c.state === 'restarting' || c.state === 'created');
    } catch {
      // an engine that does not answer holds nothing up can see; its containers' processes carry the marker
      return [];
    }
  });
}
