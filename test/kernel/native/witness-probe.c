// SPDX-License-Identifier: Apache-2.0
// witness-probe: makes bypass-witness calls under a seccomp filter in throw-away child processes
// and reports, per call, what the kernel did: the return value (or -errno), SIGSYS (TRAP), a
// killed thread or process, or a filter seccomp(2) refused; for a returned file descriptor also
// its SO_DOMAIN and SO_TYPE. Built by test/kernel/witness.ts with gcc at test time (into
// node_modules/.cache, named by a hash of this file; no binary is committed). x86_64 only.
//
// Kernel ABI mirrored: seccomp(2) SECCOMP_SET_MODE_FILTER without TSYNC (the filter applies to
// the calling thread only, kernel/seccomp.c); the x86_64 `syscall` convention (rax, rdi rsi rdx
// r10 r8 r9) and the i386 `int $0x80` one (eax, ebx ecx edx esi edi ebp), which the kernel
// reports to the filter as AUDIT_ARCH_I386 with zero-extended 32-bit args; i386 socketcall(2)
// (net/compat.c: the args block is an array of 32-bit words, read from user memory after the
// filter ran); io_uring_setup/io_uring_enter and the ring layout of <linux/io_uring.h>
// (IORING_OP_SOCKET reads domain from sqe->fd, type from sqe->off, protocol from sqe->len);
// userfaultfd(2) in MISSING mode.
//
// Input (stdin), text, one record per line; numbers are hexadecimal without 0x:
//   F <count> <sock_filter bytes, 16 hex digits per instruction, little-endian>
//   S <id> <nr> <a0> … <a5>          `syscall`: rax = nr (zero-extended), six 64-bit args
//   I <id> <nr> <a0> … <a5>          `int $0x80`: eax = nr, six 32-bit args
//   K <id> <call> <w0> … <w5>        `int $0x80` socketcall(call, block): the probe writes the six
//                                    32-bit words to a block mapped with MAP_32BIT
//   U <id> <domain> <type> <proto>   io_uring: io_uring_setup, mmap of the rings and SQEs, one
//                                    IORING_OP_SOCKET SQE, io_uring_enter(GETEVENTS), the CQE
// A call line runs under the most recent F line's filter.
//
// Per call this process forks a child. The child (alarm(3) as a backstop, PR_SET_DUMPABLE 0 so
// a KILL leaves no core file, a SIGSYS handler for TRAP) opens a userfaultfd and registers one
// never-touched anonymous page in MISSING mode, notes which descriptors are open, and starts a
// worker thread. The worker sets PR_SET_NO_NEW_PRIVS, installs the filter on itself only, makes
// the call (for io_uring: each step in turn, remembering which one it is in), stores the
// outcome in memory shared with this process, and then writes to the registered page: the
// write faults and the worker sleeps in the kernel's userfaultfd wait, so after the call no
// other syscall goes through the filter and nothing spins. The child's main thread, which is
// never filtered, waits in poll(2) for that fault (or sees the worker gone: KILL_THREAD ends only
// the calling thread of a process with two live threads). For a result that is a descriptor
// that was not open before, it reads SO_DOMAIN and SO_TYPE with getsockopt(2) (the descriptor
// table is shared by the threads), stores them, and ends the child with exit_group. KILL_PROCESS
// kills the child with SIGSYS. TRAP runs the handler on the worker, which stores si_errno (the
// action's data), si_syscall and si_arch and writes to the registered page too (it never
// returns: rt_sigreturn would go through the filter).
//
// Output (stdout), one line per call line, decimal; <step> is the filtered call being made:
// 1 the call, 2 io_uring_setup, 3 mmap, 4 io_uring_enter, 5 reading the CQE (no syscall):
//   <id> load <errno>                              PR_SET_NO_NEW_PRIVS or seccomp(2) failed
//   <id> ret <value> <fd> <domain> <type>          S I K: raw rax (int $0x80: eax sign-extended)
//   <id> uring <step> <value> <setup> <fd> <domain> <type>
//                                                  U: value is the result of <step> (the CQE res
//                                                  when step is 5), setup io_uring_setup's
//   <id> trap <step> <si_errno> <si_syscall> <si_arch>
//   <id> killthread <step>
//   <id> killprocess <step>
//   <id> other <wait status> <step> <phase>        anything else (timeout: SIGALRM, …)
//   <id> nouffd <errno>                            userfaultfd is unusable here
// <fd> is -1 when the value is not a descriptor the call created, -2 when the child ended before
// it could be examined; <domain> and <type> are -errno when getsockopt(2) failed (-88 ENOTSOCK).

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define I386_SOCKETCALL 102
#define IORING_OP_SOCKET_NR 45 /* enum io_uring_op: IORING_OP_SOCKET since 5.19 */
#define FD_SCAN 256

enum { STEP_NONE = 0, STEP_CALL = 1, STEP_URING_SETUP = 2, STEP_URING_MMAP = 3, STEP_URING_ENTER = 4, STEP_URING_CQE = 5 };
enum { OUT_NONE = 0, OUT_LOAD = 1, OUT_RET = 2, OUT_TRAP = 3 };
enum { PHASE_START = 0, PHASE_FILTERED = 1, PHASE_STORED = 2, PHASE_EXAMINED = 3 };

struct call {
  char kind; /* S I K U */
  uint32_t nr;
  uint64_t args[6];
};

/* Shared between this process and the child (MAP_SHARED), and between the child's threads. */
struct slot {
  volatile int phase;
  volatile int step;
  volatile int outcome;
  volatile int load_errno;
  volatile long value;
  volatile long setup;
  volatile int t_errno, t_syscall;
  volatile unsigned t_arch;
  volatile int thread_dead;
  volatile int uffd_errno;
  volatile int fd, domain, type;
};

static struct slot *slot;
static struct call cur;
static struct sock_fprog prog;
static uint32_t *block32;          /* socketcall's args block, below 4 GiB (MAP_32BIT) */
static volatile char *park_page;   /* registered with the child's userfaultfd, never populated */
static volatile char *sigbus_page; /* a truncated memfd page: touching it raises SIGBUS */
static struct io_uring_params uring_params;

static inline long sys6(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
  long ret;
  register long r10 __asm__("r10") = a3;
  register long r8 __asm__("r8") = a4;
  register long r9 __asm__("r9") = a5;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

static inline long int80(uint32_t nr, const uint32_t *a) {
  uint64_t ret;
  uint32_t a5 = a[5];
  /* Step over the red zone before pushing; rbp (the sixth argument) is saved and restored. The
   * kernel clears r8-r11 on return from int $0x80. */
  __asm__ volatile("sub $128, %%rsp\n\t"
                   "push %%rbp\n\t"
                   "mov %k[a5], %%ebp\n\t"
                   "int $0x80\n\t"
                   "pop %%rbp\n\t"
                   "add $128, %%rsp"
                   : "=a"(ret)
                   : "a"((uint64_t)nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4]), [a5] "r"(a5)
                   : "r8", "r9", "r10", "r11", "memory", "cc");
  return (long)(int32_t)(uint32_t)ret;
}

static inline int is_error(long v) { return (unsigned long)v >= (unsigned long)-4095L; }

/* The worker's end: the outcome is stored; sleep in the userfaultfd wait until the main thread
 * ends the process. Touching the SIGBUS page only happens if the page was somehow populated. */
static void park(void) {
  park_page[0] = 1;
  sigbus_page[0] = 1;
  for (;;) __asm__ volatile("pause"); /* not reached */
}

static void store(int outcome) {
  slot->outcome = outcome;
  __atomic_store_n(&slot->phase, PHASE_STORED, __ATOMIC_RELEASE);
  park();
}

static void on_sigsys(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  slot->t_errno = si->si_errno;
  slot->t_syscall = si->si_syscall;
  slot->t_arch = si->si_arch;
  store(OUT_TRAP);
}

/* io_uring without liburing. Every syscall here goes through the filter; the step says which. */
static void uring_socket(void) {
  struct io_uring_params *p = &uring_params;
  slot->step = STEP_URING_SETUP;
  long fd = sys6(__NR_io_uring_setup, 2, (long)p, 0, 0, 0, 0);
  slot->setup = fd;
  slot->value = fd;
  if (is_error(fd)) store(OUT_RET);
  size_t sq_size = p->sq_off.array + p->sq_entries * sizeof(uint32_t);
  size_t cq_size = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
  int single = (p->features & IORING_FEAT_SINGLE_MMAP) != 0;
  if (single && cq_size > sq_size) sq_size = cq_size;
  slot->step = STEP_URING_MMAP;
  long sq = sys6(__NR_mmap, 0, (long)sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, (long)IORING_OFF_SQ_RING);
  long cq = sq;
  if (!is_error(sq) && !single)
    cq = sys6(__NR_mmap, 0, (long)cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, (long)IORING_OFF_CQ_RING);
  long sqes = is_error(cq) ? cq
                           : sys6(__NR_mmap, 0, (long)(p->sq_entries * sizeof(struct io_uring_sqe)), PROT_READ | PROT_WRITE,
                                  MAP_SHARED | MAP_POPULATE, fd, (long)IORING_OFF_SQES);
  long failed = is_error(sq) ? sq : is_error(cq) ? cq : is_error(sqes) ? sqes : 0;
  if (failed) {
    slot->value = failed;
    store(OUT_RET);
  }
  char *sqb = (char *)sq, *cqb = (char *)cq;
  uint32_t *sq_tail = (uint32_t *)(sqb + p->sq_off.tail);
  uint32_t sq_mask = *(uint32_t *)(sqb + p->sq_off.ring_mask);
  uint32_t *sq_array = (uint32_t *)(sqb + p->sq_off.array);
  struct io_uring_sqe *sqe = (struct io_uring_sqe *)sqes;
  __builtin_memset(sqe, 0, sizeof *sqe);
  sqe->opcode = IORING_OP_SOCKET_NR;
  sqe->fd = (int32_t)cur.args[0];
  sqe->off = (uint32_t)cur.args[1];
  sqe->len = (uint32_t)cur.args[2];
  sqe->user_data = 0x5157;
  uint32_t tail = *sq_tail;
  sq_array[tail & sq_mask] = 0;
  __atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
  slot->step = STEP_URING_ENTER;
  long entered = sys6(__NR_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, 0, 0);
  slot->value = entered;
  if (entered < 0) store(OUT_RET);
  slot->step = STEP_URING_CQE;
  uint32_t head = __atomic_load_n((uint32_t *)(cqb + p->cq_off.head), __ATOMIC_ACQUIRE);
  uint32_t ctail = __atomic_load_n((uint32_t *)(cqb + p->cq_off.tail), __ATOMIC_ACQUIRE);
  uint32_t cq_mask = *(uint32_t *)(cqb + p->cq_off.ring_mask);
  struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cqb + p->cq_off.cqes);
  /* GETEVENTS with min_complete 1 returned, so a CQE is there; -EAGAIN marks "none" anyway. */
  slot->value = head != ctail ? cqes[head & cq_mask].res : -EAGAIN;
  store(OUT_RET);
}

static void *worker(void *unused) {
  (void)unused;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    slot->load_errno = errno;
    store(OUT_LOAD);
  }
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
    slot->load_errno = errno;
    store(OUT_LOAD);
  }
  slot->phase = PHASE_FILTERED;
  uint32_t a32[6];
  switch (cur.kind) {
  case 'S':
    slot->step = STEP_CALL;
    slot->value = sys6(cur.nr, (long)cur.args[0], (long)cur.args[1], (long)cur.args[2], (long)cur.args[3], (long)cur.args[4], (long)cur.args[5]);
    break;
  case 'I':
    for (int i = 0; i < 6; i++) a32[i] = (uint32_t)cur.args[i];
    slot->step = STEP_CALL;
    slot->value = int80(cur.nr, a32);
    break;
  case 'K':
    a32[0] = cur.nr;
    a32[1] = (uint32_t)(uintptr_t)block32;
    a32[2] = a32[3] = a32[4] = a32[5] = 0;
    slot->step = STEP_CALL;
    slot->value = int80(I386_SOCKETCALL, a32);
    break;
  case 'U':
    uring_socket();
    break;
  }
  store(OUT_RET);
  return NULL;
}

/* A userfaultfd with one registered page, or -errno. UFFD_USER_MODE_ONLY (5.11+) lets an
 * unprivileged process have one when vm.unprivileged_userfaultfd is 0; older kernels refuse the
 * flag, and then a plain one is tried. */
static int open_park_page(void) {
  int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
  if (uffd < 0 && errno == EINVAL) uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
  if (uffd < 0) return -errno;
  struct uffdio_api api = {.api = UFFD_API, .features = 0};
  if (ioctl(uffd, UFFDIO_API, &api) != 0) return -errno;
  void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return -errno;
  struct uffdio_register reg = {.range = {.start = (uintptr_t)page, .len = 4096}, .mode = UFFDIO_REGISTER_MODE_MISSING};
  if (ioctl(uffd, UFFDIO_REGISTER, &reg) != 0) return -errno;
  park_page = page;
  return uffd;
}

static void examine_fd(const unsigned char *open_before) {
  long v = slot->value;
  if (v < 0 || v >= FD_SCAN || open_before[v] || fcntl((int)v, F_GETFD) < 0) {
    slot->fd = -1;
    return;
  }
  int fd = (int)v, value;
  socklen_t len = sizeof value;
  slot->domain = getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &value, &len) == 0 ? value : -errno;
  len = sizeof value;
  slot->type = getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len) == 0 ? value : -errno;
  slot->fd = fd;
}

static void child(void) {
  alarm(3);
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) _exit(121);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGSYS, &sa, NULL) != 0) _exit(122);
  int uffd = open_park_page();
  if (uffd < 0) {
    slot->uffd_errno = -uffd;
    _exit(124);
  }
  unsigned char open_before[FD_SCAN];
  for (int fd = 0; fd < FD_SCAN; fd++) open_before[fd] = fcntl(fd, F_GETFD) >= 0;
  memset(&uring_params, 0, sizeof uring_params);
  pthread_t th;
  if (pthread_create(&th, NULL, worker, NULL) != 0) _exit(123);
  for (;;) {
    struct pollfd pfd = {.fd = uffd, .events = POLLIN};
    if (poll(&pfd, 1, 5) > 0) break; /* the worker is parked */
    if (pthread_tryjoin_np(th, NULL) == 0) {
      slot->thread_dead = 1; /* ended by the kernel alone: KILL_THREAD */
      break;
    }
  }
  if (__atomic_load_n(&slot->phase, __ATOMIC_ACQUIRE) == PHASE_STORED && slot->outcome == OUT_RET) {
    examine_fd(open_before);
    slot->phase = PHASE_EXAMINED;
  }
  syscall(SYS_exit_group, 0);
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void die(const char *what) {
  fprintf(stderr, "witness-probe: %s\n", what);
  exit(2);
}

static void report(unsigned long id, int status) {
  int phase = slot->phase;
  int fd = phase == PHASE_EXAMINED ? slot->fd : -2;
  int domain = fd >= 0 ? slot->domain : 0, type = fd >= 0 ? slot->type : 0;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 124) {
    printf("%lu nouffd %d\n", id, slot->uffd_errno);
    return;
  }
  if (phase >= PHASE_STORED) {
    switch (slot->outcome) {
    case OUT_LOAD: printf("%lu load %d\n", id, slot->load_errno); return;
    case OUT_TRAP:
      printf("%lu trap %d %d %d %u\n", id, slot->step, slot->t_errno, slot->t_syscall, slot->t_arch);
      return;
    case OUT_RET:
      if (cur.kind == 'U')
        printf("%lu uring %d %ld %ld %d %d %d\n", id, slot->step, slot->value, slot->setup, fd, domain, type);
      else
        printf("%lu ret %ld %d %d %d\n", id, slot->value, fd, domain, type);
      return;
    }
  }
  if (phase == PHASE_FILTERED && slot->thread_dead && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    printf("%lu killthread %d\n", id, slot->step);
    return;
  }
  if (phase == PHASE_FILTERED && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
    printf("%lu killprocess %d\n", id, slot->step);
    return;
  }
  printf("%lu other %d %d %d\n", id, status, slot->step, phase);
}

static void run(unsigned long id) {
  memset((void *)slot, 0, sizeof *slot);
  if (cur.kind == 'K')
    for (int i = 0; i < 6; i++) block32[i] = (uint32_t)cur.args[i];
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) child();
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) die("waitpid failed");
  report(id, status);
}

int main(void) {
  slot = mmap(NULL, sizeof *slot, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (slot == MAP_FAILED) die("mmap failed");
  block32 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (block32 == MAP_FAILED || (uintptr_t)block32 > 0xffffffffu - 4096) die("MAP_32BIT mmap failed");
  int mfd = memfd_create("witness-probe-sigbus", 0);
  if (mfd < 0 || ftruncate(mfd, 4096) != 0) die("memfd failed");
  sigbus_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
  if (sigbus_page == MAP_FAILED || ftruncate(mfd, 0) != 0) die("sigbus page failed");
  close(mfd);
  struct sock_filter *filter = NULL;
  int have_filter = 0;
  char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, stdin) > 0) {
    char k = line[0];
    if (k == 'F') {
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
    } else if (k == 'S' || k == 'I' || k == 'K' || k == 'U') {
      unsigned long id;
      unsigned long long v[7] = {0, 0, 0, 0, 0, 0, 0};
      if (!have_filter) die("call line before any F line");
      int got = sscanf(line + 1, " %lu %llx %llx %llx %llx %llx %llx %llx", &id, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]);
      if (got != (k == 'U' ? 4 : 8)) die("bad call line");
      cur.kind = k;
      if (k == 'U') {
        cur.nr = 0;
        for (int i = 0; i < 6; i++) cur.args[i] = i < 3 ? v[i] : 0; /* domain, type, protocol */
      } else {
        cur.nr = (uint32_t)v[0]; /* K: the socketcall call number */
        for (int i = 0; i < 6; i++) cur.args[i] = v[i + 1];
      }
      run(id);
    } else if (k != '\n' && k != '#') {
      die("unknown line");
    }
  }
  fflush(stdout);
  return 0;
}
