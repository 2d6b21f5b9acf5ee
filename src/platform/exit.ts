// How a process ended, and the one way devnet says it.
export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

/** "exited with code 1", "exited with signal SIGKILL" */
export const describeExit = (e: ExitStatus): string => `exited with ${e.signal ? `signal ${e.signal}` : `code ${e.code}`}`;
