// The policies every service gets, in the order they attach. The order is the order their
// hooks run on each event of the service:
// - restart first: on ready it notes the time (a crash soon after counts toward max_restarts
//   in a row), and it is the one that acts on an exit or on unhealthy;
// - health next: it starts probing on ready; its "unhealthy" reaches the restart policy
//   through the runner's table (notify-unhealthy), never by a call of its own;
// - followers after both: a readiness after the first restarts the dependents that follow
//   the service, once its own policies have seen it ready;
// - watch last: it only adds a watcher, from the end of the stack's first start; a change
//   restarts the service as a request of its own, as devnet restart does.
import { followersPolicy } from './followers.js';
import { healthPolicy } from './health.js';
import type { Policy } from './policy.js';
import { restartPolicy } from './restart.js';
import { watchPolicy } from './watch.js';

export const POLICIES: readonly Policy[] = [restartPolicy, healthPolicy, followersPolicy, watchPolicy];
