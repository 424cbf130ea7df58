/* SPDX-License-Identifier: Apache-2.0
 * syscage e2e probe: performs raw syscalls given on the command line and reports each result.
 * Usage: probe CALL...   where CALL is  [x86:]nr[,a0[,a1...]]  (up to 6 args; decimal, 0x hex,
 * or negative decimal), an argument "@" is the address of a zeroed 64 KiB scratch buffer.
 * Plain calls use the x86_64 ABI (syscall(2)); "x86:" calls enter through int $0x80, the i386
 * ABI, with at most 5 arguments, each cut to its low 32 bits as that ABI passes them.
 * For each call, one line on fd 1 written with write(2) before the next call is made:
 *   abi nr a0 a1 a2 a3 a4 a5 result  (abi x86_64 or x86; numbers in decimal, unsigned, as the
 *                                      kernel saw them; result is the return value or -errno)
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

/* The i386 entry: eax = nr, ebx, ecx, edx, esi, edi = a0..a4; the result in eax. */
static long int80(uint64_t *v) {
  long ret;
  __asm__ volatile("int $0x80"
                   : "=a"(ret)
                   : "a"(v[0]), "b"(v[1]), "c"(v[2]), "d"(v[3]), "S"(v[4]), "D"(v[5])
                   : "memory", "cc");
  return (long)(int)ret;
}

int main(int argc, char **argv) {
  char line[512];
  for (int i = 1; i < argc; i++) {
    uint64_t v[7] = {0};
    int n = 0;
    const char *spec = argv[i];
    int x86 = strncmp(spec, "x86:", 4) == 0;
    if (x86) spec += 4;
    char *copy = strdup(spec);
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
      if (n == 7) {
        fprintf(stderr, "probe: too many arguments in '%s'\n", argv[i]);
        _exit(121);
      }
      v[n++] = parse(tok);
    }
    free(copy);
    if (n == 0 || (x86 && n > 6)) {
      fprintf(stderr, "probe: bad call '%s'\n", argv[i]);
      _exit(121);
    }
    memset(scratch, 0, sizeof scratch);
    long res;
    if (x86) {
      for (int k = 0; k < 7; k++) v[k] &= 0xffffffffu;
      res = int80(v);
    } else {
      long r = syscall((long)v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
      res = r == -1 ? -(long)errno : r;
    }
    snprintf(line, sizeof line, "%s %llu %llu %llu %llu %llu %llu %llu %ld\n", x86 ? "x86" : "x86_64",
             (unsigned long long)v[0], (unsigned long long)v[1], (unsigned long long)v[2],
             (unsigned long long)v[3], (unsigned long long)v[4], (unsigned long long)v[5],
             (unsigned long long)v[6], res);
    out(line);
  }
  out("done\n");
  return 0;
}
