// What every command on a stack takes, and the one switch a supervising command flips.
export interface StackFlags {
  stack?: string;
  portOffset: number;
}

let keepRunningWithoutStdout = false;
/** Called by a command that supervises services: a closed stdout or stderr must not end the process. */
export function keepRunningWhenStdoutCloses(): void {
  keepRunningWithoutStdout = true;
}

export const keepsRunningWithoutStdout = (): boolean => keepRunningWithoutStdout;
