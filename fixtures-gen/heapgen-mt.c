/*
 * Heapscope fixture generator: a multi-threaded glibc malloc workload that
 * writes down the truth about its heap, then waits to be captured by gcore.
 *
 *   heapgen-mt test  TRUTH_FILE         small mixed workload (a few thousand blocks)
 *   heapgen-mt bench TRUTH_FILE N       ~N blocks of 16..336 bytes (about 176 B each)
 *
 * Each of 4 threads (main + 3 workers, so there are thread arenas) allocates
 * a mix of sizes, frees some of them in ways that land in tcache (<= 7 per
 * size), in fastbins (more than 7 small blocks of one size), in the unsorted
 * / small bins (bigger blocks between held neighbours, so nothing coalesces),
 * and holds a few large blocks (>= 256 KiB, mmapped). The truth file gets one
 * line per block:  "U <hex addr> <hex usable size> <hex requested> <function>"
 * for held blocks, "F <hex addr> <hex requested> <function>" for freed
 * ones, and "M <hex addr> <hex requested> trim_buffer" for the first block of
 * a trim_buffer whose realloc moved it (freed by realloc; glibc does not move
 * these today, the line is there so the truth stays true if one ever does). Then "READY" is printed and every thread blocks until stdin is
 * closed, so gcore sees them all alive.
 *
 * Every block comes from one of four non-inlined allocator functions (so a
 * malloc_tracer-style footer, see footer-preload.c, names a distinct return
 * address for each): make_record (malloc), make_zeroed (calloc), trim_buffer
 * (malloc of sz + 8, then realloc down to sz, in place) and make_big (malloc
 * of an mmapped block). <function> in the truth is that function's name and
 * <requested> the size it asked for last.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WORKERS 3

static FILE *truth;
static pthread_mutex_t truth_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t ready, done;
static long per_thread = 0;
static int bench = 0;

/* One block: where it is, what was asked for, which allocator function made it. */
typedef struct {
  void *p;
  uint32_t req;
  uint32_t fn;
} block_t;

typedef struct {
  block_t *held;
  size_t nheld;
  block_t *freed;
  size_t nfreed;
  block_t *moved;
  size_t nmoved;
  size_t cap;
  size_t freedCap;
  size_t movedCap;
} record_t;

/* The calling thread's record (trim_buffer writes down moved blocks there). */
static __thread record_t *current;

enum { MAKE_RECORD, MAKE_ZEROED, TRIM_BUFFER, MAKE_BIG };
static const char *const fn_names[] = {"make_record", "make_zeroed", "trim_buffer", "make_big"};

/*
 * The record arrays are allocated once, at their final size, before the
 * workload: nothing is freed until the workload's own frees (growing arrays
 * would leave free chunks that later blocks split or coalesce with).
 */
static void record_init(record_t *r, size_t cap, size_t freedCap) {
  r->cap = cap;
  r->freedCap = freedCap;
  r->movedCap = cap / 16 + 1024;
  r->held = malloc(cap * sizeof(block_t));
  r->freed = malloc(freedCap * sizeof(block_t));
  r->moved = malloc(r->movedCap * sizeof(block_t));
  if (!r->held || !r->freed || !r->moved) abort();
  current = r;
}

static void push(const record_t *r, block_t *arr, size_t *n, block_t b) {
  if (*n >= (arr == r->moved ? r->movedCap : arr == r->freed ? r->freedCap : r->cap)) {
    fprintf(stderr, "heapgen-mt: record array full\n");
    abort();
  }
  arr[(*n)++] = b;
}

/*
 * The allocator functions. noinline/noclone keep each one a distinct symbol
 * and return address; each does work after its allocation call, so the call is
 * never a tail call (the caller's return address would then be workload's).
 */
__attribute__((noinline, noclone)) void *make_record(size_t sz, int fill, size_t nfill) {
  char *p = malloc(sz);
  memset(p, fill, nfill < sz ? nfill : sz);
  return p;
}

__attribute__((noinline, noclone)) void *make_zeroed(size_t sz, int fill, size_t nfill) {
  char *p = calloc(1, sz);
  memset(p, fill, nfill < sz ? nfill : sz);
  return p;
}

/*
 * malloc a little more, then realloc down to `sz`: glibc keeps the block in
 * place (the difference is below a chunk's minimum size), so nothing is freed
 * during the workload, and the footer must be rewritten with the new size.
 */
__attribute__((noinline, noclone)) void *trim_buffer(size_t sz, int fill, size_t nfill) {
  char *p = malloc(sz + 8);
  p[0] = (char)fill;
  /* Only the old address is kept (never dereferenced) when realloc moved the block. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuse-after-free"
  block_t first = {p, (uint32_t)(sz + 8), TRIM_BUFFER};
  char *q = realloc(p, sz);
  if (q != first.p) push(current, current->moved, &current->nmoved, first);
#pragma GCC diagnostic pop
  memset(q, fill, nfill < sz ? nfill : sz);
  return q;
}

__attribute__((noinline, noclone)) void *make_big(size_t sz, int fill, size_t nfill) {
  char *p = malloc(sz);
  memset(p, fill, nfill < sz ? nfill : sz);
  return p;
}

static block_t make(uint32_t fn, size_t sz, int fill, size_t nfill) {
  void *(*const fns[])(size_t, int, size_t) = {make_record, make_zeroed, trim_buffer, make_big};
  block_t b = {fns[fn](sz, fill, nfill), (uint32_t)sz, fn};
  return b;
}

static uint32_t rnd(uint32_t *s) {
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

static void workload(record_t *r, uint32_t seed) {
  uint32_t s = seed;
  /* bench frees one block in ten; test about half. */
  if (bench) record_init(r, (size_t)per_thread + 1, (size_t)per_thread / 10 + 16);
  else record_init(r, 9 * 40 + 2 + 1, 9 * 40);
  if (bench) {
    for (long i = 0; i < per_thread; i++) {
      size_t sz = 16 + (rnd(&s) % 321);
      block_t b = make((uint32_t)(i % 3), sz, 0x5a, 32);
      /* Free about one in ten, always between held neighbours. */
      if (i % 10 == 5) push(r, r->freed, &r->nfreed, b);
      else push(r, r->held, &r->nheld, b);
    }
  } else {
    static const size_t sizes[] = {24, 40, 56, 100, 200, 400, 1000, 2000, 5000};
    for (int round = 0; round < 40; round++) {
      for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t sz = sizes[k] + (rnd(&s) % 8);
        block_t b = make((uint32_t)((round + k) % 3), sz, (int)k, sz);
        /* Every other block is freed later (alternating), so freed blocks always have held neighbours. */
        if ((round + k) % 2) push(r, r->freed, &r->nfreed, b);
        else push(r, r->held, &r->nheld, b);
      }
    }
    for (int i = 0; i < 2; i++) {
      /* mmapped */
      push(r, r->held, &r->nheld, make(MAKE_BIG, 256 * 1024 + i * 70000 + (rnd(&s) % 4096), 1, 4096));
    }
  }
  /* A block held after everything, so no freed block touches the top chunk. */
  push(r, r->held, &r->nheld, make(MAKE_RECORD, 64, 0, 0));
  for (size_t i = 0; i < r->nfreed; i++) free(r->freed[i].p);
  pthread_mutex_lock(&truth_lock);
  for (size_t i = 0; i < r->nheld; i++) {
    const block_t *b = &r->held[i];
    fprintf(truth, "U %lx %lx %x %s\n", (unsigned long)(uintptr_t)b->p, (unsigned long)malloc_usable_size(b->p), b->req, fn_names[b->fn]);
  }
  for (size_t i = 0; i < r->nfreed; i++) {
    const block_t *b = &r->freed[i];
    fprintf(truth, "F %lx %x %s\n", (unsigned long)(uintptr_t)b->p, b->req, fn_names[b->fn]);
  }
  for (size_t i = 0; i < r->nmoved; i++) {
    const block_t *b = &r->moved[i];
    fprintf(truth, "M %lx %x %s\n", (unsigned long)(uintptr_t)b->p, b->req, fn_names[b->fn]);
  }
  pthread_mutex_unlock(&truth_lock);
}

static void *worker(void *arg) {
  record_t r = {0};
  workload(&r, (uint32_t)(uintptr_t)arg);
  pthread_barrier_wait(&ready);
  pthread_barrier_wait(&done);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s test|bench TRUTH_FILE [N]\n", argv[0]);
    return 2;
  }
  bench = strcmp(argv[1], "bench") == 0;
  if (bench) per_thread = (argc > 3 ? atol(argv[3]) : 2500000) / (WORKERS + 1);
  truth = fopen(argv[2], "w");
  if (!truth) {
    perror(argv[2]);
    return 1;
  }
  /* stdio must not malloc after the workload frees (it would reuse freed blocks and falsify the truth). */
  static char truth_buf[1 << 16], out_buf[4096];
  setvbuf(truth, truth_buf, _IOFBF, sizeof truth_buf);
  setvbuf(stdout, out_buf, _IOLBF, sizeof out_buf);
  pthread_barrier_init(&ready, NULL, WORKERS + 1);
  pthread_barrier_init(&done, NULL, WORKERS + 1);
  pthread_t t[WORKERS];
  for (int i = 0; i < WORKERS; i++) pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(1000 + i));
  record_t r = {0};
  workload(&r, 7);
  pthread_barrier_wait(&ready);
  fclose(truth);
  printf("READY %d\n", (int)getpid());
  fflush(stdout);
  /* Stay alive, all threads blocked, until stdin closes. */
  char buf[64];
  while (read(0, buf, sizeof buf) > 0) {
  }
  pthread_barrier_wait(&done);
  for (int i = 0; i < WORKERS; i++) pthread_join(t[i], NULL);
  return 0;
}
