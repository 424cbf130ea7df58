// SPDX-License-Identifier: Apache-2.0
// seccomp-probe: loads seccomp filters in throw-away child processes and reports, per call,
// how a real syscall ended under the filter. Built by test/differential/kernel-compiled-probe.ts
// with gcc into a temporary directory at test time (no binary is committed).
//
// Input (stdin), text, one record per line; numbers are hexadecimal without 0x:
//   F <count> <sock_filter bytes as 16 hex digits per instruction, little-endian byte order>
//   C <id> <abi> <nr> <a0> <a1> <a2> <a3> <a4> <a5>
// A C line is a call under the most recent F line's filter. abi 0: the `syscall` instruction
// (rax = nr zero-extended from 32 bits, rdi rsi rdx r10 r8 r9 = the 64-bit args); abi 1: `int
// $0x80` (eax = nr, ebx ecx edx esi edi ebp = the low 32 bits of the args), i.e. an i386 call,
// which the kernel reports to the filter with AUDIT_ARCH_I386 and zero-extended 32-bit args.
//
// Per call this process forks a child. The child (alarm(3) as a backstop, PR_SET_DUMPABLE 0 so a
// KILL leaves no core file, uid/gid changed to non-zero values when root so that getuid & co.
// cannot return 0, the value ERRNO(0) gives) installs a SIGSYS handler and starts one thread
// that does the work; the child's main thread only watches. The worker thread:
//   1. makes the call without a filter (the value ALLOW must reproduce: `pre`);
//   2. sets PR_SET_NO_NEW_PRIVS and installs the filter on itself only (no TSYNC);
//   3. makes the call again; every instruction between the seccomp(2) that installed the filter
//      and this call is a plain store: no other syscall goes through the filter;
//   4. stores the result in memory shared with this process and touches a page that raises
//      SIGBUS: the child dies without another syscall going through the filter (and without
//      the kernel log line an unhandled SIGSEGV or SIGILL prints). It never spins: a spinning
//      thread can delay the others by a whole scheduler slice.
// The main thread (never filtered) joins the worker; the join returns only when the kernel
// ended the worker thread alone (KILL_THREAD: with two live threads it does do_exit(SIGSYS) on
// the calling thread, not a group exit), which it records before exit_group. KILL_PROCESS (and
// any unknown action) kills the whole child with SIGSYS. TRAP runs the handler, which stores
// si_errno (the action's data), si_syscall and si_arch and raises SIGBUS too (it never returns:
// rt_sigreturn would go through the filter).
//
// Output (stdout), one line per C line, decimal:
//   <id> load <errno>                          seccomp(2) refused the filter
//   <id> ret <pre> <ret>                        the call returned (raw rax; i386: eax sign-extended)
//   <id> trap <pre> <si_errno> <si_syscall> <si_arch>
//   <id> killthread <pre>                       the worker thread died, the process lived on
//   <id> killprocess <pre>                      the child died of SIGSYS
//   <id> other <pre> <wait status> <stage>      anything else (timeout: SIGALRM, …)
// `pre` is -99999 when the child did not get as far as the unfiltered call.

#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { ABI_X86_64 = 0, ABI_I386 = 1 };
enum { K_NONE = 0, K_LOAD = 1, K_RET = 2, K_TRAP = 3 };

struct call {
  int abi;
  uint32_t nr;
  uint64_t args[6];
};

/* Shared between this process and the child (MAP_SHARED), and between the child's threads. */
struct slot {
  volatile int stage; /* 0 start, 1 pre done, 2 filter installed, 3 result stored */
  volatile int kind;
  volatile int load_errno;
  volatile long pre;
  volatile long ret;
  volatile int t_errno, t_syscall;
  volatile unsigned t_arch;
  volatile int thread_dead;
};

static struct slot *slot;
static struct call cur;
static struct sock_fprog prog;

static inline long call_x86_64(uint32_t nr, const uint64_t *a) {
  long ret;
  register uint64_t r10 __asm__("r10") = a[3];
  register uint64_t r8 __asm__("r8") = a[4];
  register uint64_t r9 __asm__("r9") = a[5];
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"((uint64_t)nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

static inline long call_i386(uint32_t nr, const uint64_t *a) {
  uint64_t ret;
  uint32_t a5 = (uint32_t)a[5];
  /* Step over the red zone before pushing; rbp is saved and restored around the call. The
   * kernel clears r8-r11 on return from int $0x80. */
  __asm__ volatile("sub $128, %%rsp\n\t"
                   "push %%rbp\n\t"
                   "mov %k[a5], %%ebp\n\t"
                   "int $0x80\n\t"
                   "pop %%rbp\n\t"
                   "add $128, %%rsp"
                   : "=a"(ret)
                   : "a"((uint64_t)nr), "b"((uint32_t)a[0]), "c"((uint32_t)a[1]), "d"((uint32_t)a[2]),
                     "S"((uint32_t)a[3]), "D"((uint32_t)a[4]), [a5] "r"(a5)
                   : "r8", "r9", "r10", "r11", "memory", "cc");
  return (long)(int32_t)(uint32_t)ret;
}

static inline long do_call(void) {
  return cur.abi == ABI_I386 ? call_i386(cur.nr, cur.args) : call_x86_64(cur.nr, cur.args);
}

/* A page of a memfd that was truncated to 0 after being mapped: touching it raises SIGBUS,
 * which kills the child (default action, no core: not dumpable) without a syscall, and without
 * the kernel log line an unhandled SIGSEGV or SIGILL would print. */
static volatile char *sigbus_page;

static void end_child(void) {
  sigbus_page[0] = 1;
  for (;;) __asm__ volatile("pause"); /* not reached */
}

static void on_sigsys(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  slot->t_errno = si->si_errno;
  slot->t_syscall = si->si_syscall;
  slot->t_arch = si->si_arch;
  slot->kind = K_TRAP;
  __atomic_store_n(&slot->stage, 3, __ATOMIC_RELEASE);
  end_child();
}

static void *worker(void *unused) {
  (void)unused;
  slot->pre = do_call();
  slot->stage = 1;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    slot->load_errno = errno;
    slot->kind = K_LOAD;
    __atomic_store_n(&slot->stage, 3, __ATOMIC_RELEASE);
    end_child();
  }
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
  if (r != 0) {
    slot->load_errno = errno;
    slot->kind = K_LOAD;
    __atomic_store_n(&slot->stage, 3, __ATOMIC_RELEASE);
    end_child();
  }
  slot->stage = 2;
  long ret = do_call();
  slot->ret = ret;
  slot->kind = K_RET;
  __atomic_store_n(&slot->stage, 3, __ATOMIC_RELEASE);
  end_child();
  return NULL;
}

static void child(void) {
  alarm(3);
  if (geteuid() == 0) {
    /* Distinct, non-zero ids (i386's 16-bit getuid & co. return them unchanged). */
    if (setresgid(4401, 4402, 4402) != 0 || setresuid(4301, 4302, 4302) != 0) _exit(120);
  }
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) _exit(121);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSYS, &sa, NULL) != 0) _exit(122);
  pthread_t th;
  if (pthread_create(&th, NULL, worker, NULL) != 0) _exit(123);
  /* The worker ends the whole child (SIGBUS) once its result is stored; it ends alone only
   * when the kernel kills the thread. */
  pthread_join(th, NULL);
  if (__atomic_load_n(&slot->stage, __ATOMIC_ACQUIRE) != 3) slot->thread_dead = 1;
  syscall(SYS_exit_group, 0);
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void die(const char *what) {
  fprintf(stderr, "seccomp-probe: %s\n", what);
  exit(2);
}

static void run(unsigned long id) {
  memset((void *)slot, 0, sizeof *slot);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) child();
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) die("waitpid failed");
  long pre = slot->stage >= 1 ? slot->pre : -99999;
  if (slot->stage == 3) {
    switch (slot->kind) {
    case K_LOAD: printf("%lu load %d\n", id, slot->load_errno); return;
    case K_RET: printf("%lu ret %ld %ld\n", id, pre, slot->ret); return;
    case K_TRAP:
      printf("%lu trap %ld %d %d %u\n", id, pre, slot->t_errno, slot->t_syscall, slot->t_arch);
      return;
    }
  }
  if (slot->thread_dead && WIFEXITED(status) && WEXITSTATUS(status) == 0 && slot->stage == 2) {
    printf("%lu killthread %ld\n", id, pre);
    return;
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && slot->stage == 2) {
    printf("%lu killprocess %ld\n", id, pre);
    return;
  }
  printf("%lu other %ld %d %d\n", id, pre, status, slot->stage);
}

int main(void) {
  slot = mmap(NULL, sizeof *slot, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (slot == MAP_FAILED) die("mmap failed");
  int mfd = memfd_create("seccomp-probe-sigbus", 0);
  if (mfd < 0 || ftruncate(mfd, 4096) != 0) die("memfd failed");
  sigbus_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
  if (sigbus_page == MAP_FAILED || ftruncate(mfd, 0) != 0) die("sigbus page failed");
  struct sock_filter *filter = NULL;
  int have_filter = 0;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[0] == 'F') {
      unsigned long count;
      int off;
      if (sscanf(line, "F %lx %n", &count, &off) != 1 || count > 65535) die("bad F line");
      free(filter);
      filter = calloc(count ? count : 1, sizeof *filter);
      if (!filter) die("out of memory");
      const char *p = line + off;
      unsigned char *bytes = (unsigned char *)filter;
      for (unsigned long i = 0; i < count * 8; i++) {
        int h = hexval(p[2 * i]), l = h < 0 ? -1 : hexval(p[2 * i + 1]);
        if (h < 0 || l < 0) die("bad filter hex");
        bytes[i] = (unsigned char)(h * 16 + l);
      }
      prog.len = (unsigned short)count;
      prog.filter = filter;
      have_filter = 1;
    } else if (line[0] == 'C') {
      unsigned long id, abi, nr;
      unsigned long long a[6];
      if (!have_filter) die("C line before any F line");
      if (sscanf(line, "C %lu %lx %lx %llx %llx %llx %llx %llx %llx", &id, &abi, &nr, &a[0], &a[1], &a[2], &a[3], &a[4], &a[5]) != 9)
        die("bad C line");
      if (abi > 1) die("bad abi");
      cur.abi = (int)abi;
      cur.nr = (uint32_t)nr;
      for (int i = 0; i < 6; i++) cur.args[i] = a[i];
      run(id);
    } else if (line[0] != '\n' && line[0] != '#') {
      die("unknown line");
    }
  }
  fflush(stdout);
  return 0;
}
