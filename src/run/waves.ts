// Stop order: the reverse of start waves, each wave at once (its services do not depend
// on one another), so dependents always stop before what they depend on.
import { startWaves } from '../stack/graph.js';

export function stopWaves(dependsOn: Record<string, readonly string[]>): string[][] {
  return startWaves(dependsOn).reverse();
}
