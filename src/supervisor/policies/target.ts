// What a policy sees of a service: its state, its hooks and its log. The runner is one;
// tests pass a small fake. A policy changes the state only through `apply`, the runner's
// table (service/table.ts).
import type { Service } from '../../stack/model.js';
import type { ServiceRecord, ServiceState } from '../../state/store.js';
import type { ExitInfo, ReadyInfo } from '../../service/runner.js';
import type { ServiceEvent } from '../../service/table.js';

export interface PolicyTarget {
  readonly name: string;
  readonly state: ServiceState;
  readonly service: Service;
  readonly rec: ServiceRecord;
  onReady(fn: (r: ReadyInfo) => void): void;
  onExit(fn: (e: ExitInfo) => void): void;
  onStop(fn: () => void): void;
  onUnhealthy(fn: (reason: string) => void): void;
  apply(event: ServiceEvent, extra?: Partial<ServiceRecord>): void;
  marker(text: string): void;
  lastLines(): string[];
}
