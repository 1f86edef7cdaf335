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
 * line per block:  "U <hex addr> <hex usable size>"  for held blocks, and
 * "F <hex addr>" for freed ones. Then "READY" is printed and every thread
 * blocks until stdin is closed, so gcore sees them all alive.
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

typedef struct {
  void **held;
  size_t nheld;
  void **freed;
  size_t nfreed;
} record_t;

static void push(void ***arr, size_t *n, void *p) {
  if ((*n & (*n - 1)) == 0) *arr = realloc(*arr, (*n ? *n * 2 : 64) * sizeof(void *));
  (*arr)[(*n)++] = p;
}

static uint32_t rnd(uint32_t *s) {
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

static void workload(record_t *r, uint32_t seed) {
  uint32_t s = seed;
  if (bench) {
    for (long i = 0; i < per_thread; i++) {
      size_t sz = 16 + (rnd(&s) % 321);
      char *p = malloc(sz);
      memset(p, 0x5a, sz < 32 ? sz : 32);
      /* Free about one in ten, always between held neighbours. */
      if (i % 10 == 5) push(&r->freed, &r->nfreed, p);
      else push(&r->held, &r->nheld, p);
    }
  } else {
    static const size_t sizes[] = {24, 40, 56, 100, 200, 400, 1000, 2000, 5000};
    for (int round = 0; round < 40; round++) {
      for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t sz = sizes[k] + (rnd(&s) % 8);
        char *p = malloc(sz);
        memset(p, (int)k, sz);
        /* Every other block is freed later (alternating), so freed blocks always have held neighbours. */
        if ((round + k) % 2) push(&r->freed, &r->nfreed, p);
        else push(&r->held, &r->nheld, p);
      }
    }
    for (int i = 0; i < 2; i++) {
      char *big = malloc(256 * 1024 + i * 70000 + (rnd(&s) % 4096)); /* mmapped */
      memset(big, 1, 4096);
      push(&r->held, &r->nheld, big);
    }
  }
  /* A block held after everything, so no freed block touches the top chunk. */
  push(&r->held, &r->nheld, malloc(64));
  for (size_t i = 0; i < r->nfreed; i++) free(r->freed[i]);
  pthread_mutex_lock(&truth_lock);
  for (size_t i = 0; i < r->nheld; i++) fprintf(truth, "U %lx %lx\n", (unsigned long)(uintptr_t)r->held[i], (unsigned long)malloc_usable_size(r->held[i]));
  for (size_t i = 0; i < r->nfreed; i++) fprintf(truth, "F %lx\n", (unsigned long)(uintptr_t)r->freed[i]);
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
