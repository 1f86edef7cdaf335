/*
 * Heapscope sample generator: a tiny single-threaded glibc malloc workload whose whole heap is known by
 * construction, run under footer-preload.c and captured with gcore by make-samples.ts. Its core (1 MiB, 89 KB
 * gzip'd) is the sample of workers/logic/formats/core/ (and of elf/ and malloc-tracer/).
 *
 *   sample-heap TRUTH_FILE
 *
 * It never uses stdio (whose buffers would be allocations it does not record): the truth is written with write(2)
 * from a static buffer, so the only chunk of the heap it did not ask for is glibc's tcache_perthread_struct (the
 * first chunk of the main arena). Every block comes from one of four non-inlined functions, so each footer names
 * one return address per function: make_record (malloc), make_zeroed (calloc), trim_buffer (malloc of n + 8, then
 * realloc down to n, in place) and make_big (malloc of 200,000 bytes: mmapped).
 *
 * All allocations come first, then the frees (so no later request reuses or consolidates a freed chunk):
 *   - 7 blocks of 72 bytes: each goes to the tcache (listed used, as chap lists tcache entries);
 *   - 10 blocks of 40 bytes: the first 7 fill that size's tcache, the last 3 go to a fastbin (free);
 *   - 4 blocks of 2,000 to 3,500 bytes, each between held blocks: the unsorted bin (free, none coalesces).
 * The truth file has one line per block:
 *   "U <hex addr> <hex usable> <hex requested> <function>"   held
 *   "T <hex addr> <hex usable> <hex requested> <function>"   freed into the tcache
 *   "F <hex addr> <hex usable> <hex requested> <function>"   freed into a fastbin or the unsorted bin
 * (usable = malloc_usable_size before the free), then "B <hex>" and "E <hex>": the program break (sbrk(0)) before the
 * first allocation and after the last free, the bounds of the main arena's heap. Then "READY <pid>" goes to stdout
 * and it waits until stdin closes.
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char out[16384];
static size_t used;

static void line(char kind, void *p, size_t usable, size_t requested, const char *fn) {
  used += (size_t)snprintf(out + used, sizeof out - used, "%c %lx %lx %lx %s\n", kind, (unsigned long)p, (unsigned long)usable,
                           (unsigned long)requested, fn);
}

__attribute__((noinline)) static void *make_record(size_t n) {
  void *p = malloc(n);
  memset(p, 0x5a, n);
  return p;
}

__attribute__((noinline)) static void *make_zeroed(size_t count, size_t n) {
  return calloc(count, n);
}

__attribute__((noinline)) static void *trim_buffer(size_t n) {
  char *p = malloc(n + 8);
  memset(p, 0x33, n + 8);
  return realloc(p, n);
}

__attribute__((noinline)) static void *make_big(size_t n) {
  char *p = malloc(n);
  memcpy(p, "HEAPSCOPE-SAMPLE-BIG", 20);
  return p;
}

typedef struct {
  void *p;
  size_t requested;
  const char *fn;
} block_t;

static block_t held[128], freed[64];
static size_t nheld, nfreed;

static void *hold(void *p, size_t requested, const char *fn) {
  held[nheld++] = (block_t){p, requested, fn};
  return p;
}

static void to_free(void *p, size_t requested, const char *fn) {
  freed[nfreed++] = (block_t){p, requested, fn};
}

int main(int argc, char **argv) {
  if (argc != 2) {
    static const char usage[] = "usage: sample-heap TRUTH_FILE\n";
    if (write(2, usage, sizeof usage - 1) < 0) return 2;
    return 2;
  }
  void *brk0 = sbrk(0);
  for (size_t i = 0; i < 40; i++) hold(make_record(24 + 13 * i), 24 + 13 * i, "make_record");
  for (size_t i = 0; i < 10; i++) hold(make_zeroed(i + 1, 48), (i + 1) * 48, "make_zeroed");
  for (size_t i = 0; i < 8; i++) hold(trim_buffer(100 + 40 * i), 100 + 40 * i, "trim_buffer");
  for (size_t i = 0; i < 2; i++) hold(make_big(200000), 200000, "make_big");
  for (size_t i = 0; i < 7; i++) to_free(make_record(72), 72, "make_record");
  for (size_t i = 0; i < 10; i++) to_free(make_zeroed(1, 40), 40, "make_zeroed");
  for (size_t i = 0; i < 4; i++) {
    to_free(make_record(2000 + 500 * i), 2000 + 500 * i, "make_record");
    hold(make_record(32), 32, "make_record"); /* a held neighbour: the freed block cannot coalesce */
  }
  /* Record every block's usable size before any free. */
  size_t usable[64];
  for (size_t i = 0; i < nfreed; i++) usable[i] = malloc_usable_size(freed[i].p);
  for (size_t i = 0; i < nheld; i++) line('U', held[i].p, malloc_usable_size(held[i].p), held[i].requested, held[i].fn);
  /* tcache holds 7 chunks per size: the 7 blocks of 72 and the first 7 of 40; the other 3 of 40 go to a fastbin and
     the large ones to the unsorted bin. */
  for (size_t i = 0; i < nfreed; i++) {
    char kind = i < 7 + 7 ? 'T' : 'F';
    line(kind, freed[i].p, usable[i], freed[i].requested, freed[i].fn);
    free(freed[i].p);
  }
  used += (size_t)snprintf(out + used, sizeof out - used, "B %lx\nE %lx\n", (unsigned long)brk0, (unsigned long)sbrk(0));
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, out, used) != (ssize_t)used || close(fd) != 0) return 1;
  char ready[64];
  int n = snprintf(ready, sizeof ready, "READY %d\n", (int)getpid());
  if (write(1, ready, (size_t)n) != n) return 1;
  char buf[64];
  while (read(0, buf, sizeof buf) > 0) {
  }
  return 0;
}
