/*
 * devnet-subreaper PROGRAM [ARGS...]
 *
 * Marks this process a child subreaper, then becomes PROGRAM (the mark survives execve).
 * devnet starts every service through it: a process the service double-forks away from
 * its tree (setsid, a cleared environment) is then re-parented to the service's own main
 * process instead of init, so devnet can still prove it is the service's and stop it.
 * Best effort: where prctl refuses, PROGRAM runs all the same.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: devnet-subreaper PROGRAM [ARGS...]\n", stderr);
    return 2;
  }
  (void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  execvp(argv[1], argv + 1);
  fprintf(stderr, "devnet: cannot start %s: %s\n", argv[1], strerror(errno));
  return errno == ENOENT ? 127 : 126;
}
