/* SPDX-License-Identifier: Apache-2.0
 * syscage e2e probe: performs raw syscalls given on the command line and reports each result.
 * Usage: probe CALL...   where CALL is  nr[,a0[,a1...]]  (up to 6 args; decimal, 0x hex, or
 * negative decimal), an argument "@" is the address of a zeroed 64 KiB scratch buffer.
 * For each call, one line on fd 1 written with write(2) before the next call is made:
 *   nr a0 a1 a2 a3 a4 a5 result      (all in decimal as unsigned 64-bit, result signed;
 *                                      result is the return value or -errno)
 * Then "done". A call the filter kills ends the output there. Built with gcc -static. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char scratch[65536];

static void out(const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(1, s, n);
    if (w <= 0) _exit(120);
    s += w;
    n -= (size_t)w;
  }
}

static uint64_t parse(const char *s) {
  if (strcmp(s, "@") == 0) return (uint64_t)(uintptr_t)scratch;
  char *end;
  errno = 0;
  uint64_t v = (*s == '-') ? (uint64_t)strtoll(s, &end, 0) : strtoull(s, &end, 0);
  if (errno || *end) {
    fprintf(stderr, "probe: bad number '%s'\n", s);
    _exit(121);
  }
  return v;
}

int main(int argc, char **argv) {
  char line[512];
  for (int i = 1; i < argc; i++) {
    uint64_t v[7] = {0};
    int n = 0;
    char *copy = strdup(argv[i]);
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
      if (n == 7) {
        fprintf(stderr, "probe: too many arguments in '%s'\n", argv[i]);
        _exit(121);
      }
      v[n++] = parse(tok);
    }
    free(copy);
    if (n == 0) _exit(121);
    memset(scratch, 0, sizeof scratch);
    long r = syscall((long)v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    long res = r == -1 ? -(long)errno : r;
    snprintf(line, sizeof line, "%llu %llu %llu %llu %llu %llu %llu %ld\n",
             (unsigned long long)v[0], (unsigned long long)v[1], (unsigned long long)v[2],
             (unsigned long long)v[3], (unsigned long long)v[4], (unsigned long long)v[5],
             (unsigned long long)v[6], res);
    out(line);
  }
  out("done\n");
  return 0;
}
