// A run's id: in the lock, the state and every service's marker. Unique per run; node:crypto
// would cost more start-up time than it buys here.
export function newRunId(): string {
  return `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}
