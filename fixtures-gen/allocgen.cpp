// allocgen: allocations whose addresses and usable sizes are known by construction, for the heap-walk tests
// of every allocator (glibc on x86-64, i386 and aarch64; gperftools tcmalloc and jemalloc through LD_PRELOAD).
//
//   allocgen TRUTH N THREADS abort|wait
//
// The main thread and THREADS workers each allocate N blocks of deterministic sizes (mostly small, some medium,
// a few large enough to be mmapped or to take whole spans/extents), some with new[], then free every third one.
// The workers stay alive (their thread caches with them). Then TRUTH gets one line per block:
//   U <addr hex> <usable size hex>      a live block (malloc_usable_size)
//   F <addr hex>                        a block the program freed (and never allocated again)
// written with write(2) from static memory, so no allocation happens after the frees. It prints
// "READY <pid>" and then aborts (the kernel, or qemu-user for a foreign guest, writes the core) or, with
// `wait`, waits for stdin to close (for gcore).
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

namespace {

const int MAX_THREADS = 8;
const int MAX_N = 4096;

struct Block {
  void* p;
  size_t usable;
  bool freed;
};

Block blocks[MAX_THREADS + 1][MAX_N];
int nPer = 0;
int nThreads = 0;
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
int done = 0;

size_t sizeFor(uint32_t& seed, int i) {
  seed = seed * 1103515245u + 12345u;
  uint32_t r = (seed >> 8) % 1000;
  if (i % 500 == 250) return 300 * 1024 + (r % 64) * 1024;  // large: mmapped chunk / span / extent
  if (r < 700) return 1 + r % 512;                           // small
  if (r < 950) return 513 + (r * 37) % 8000;                 // medium
  return 8193 + (r * 977) % 60000;                           // larger
}

void allocate(int slot) {
  uint32_t seed = 7919u * (slot + 1);
  for (int i = 0; i < nPer; i++) {
    size_t n = sizeFor(seed, i);
    void* p = (i % 7 == 3) ? static_cast<void*>(new char[n]) : malloc(n);
    memset(p, 0x40 + slot, n < 64 ? n : 64);
    blocks[slot][i] = Block{p, malloc_usable_size(p), false};
  }
}

void release(int slot) {
  for (int i = 1; i < nPer; i += 3) {
    Block& b = blocks[slot][i];
    if (i % 7 == 3) delete[] static_cast<char*>(b.p);
    else free(b.p);
    b.freed = true;
  }
}

int phase = 0;  // 1: everyone has allocated, free now

void waitFor(int* counter, int want) {
  while (*counter < want) pthread_cond_wait(&cv, &mu);
}

int allocated = 0;

void* worker(void* arg) {
  int slot = static_cast<int>(reinterpret_cast<intptr_t>(arg));
  allocate(slot);
  pthread_mutex_lock(&mu);
  allocated++;
  pthread_cond_broadcast(&cv);
  waitFor(&phase, 1);
  pthread_mutex_unlock(&mu);
  // Frees only after every thread has allocated: no freed block is ever handed out again.
  release(slot);
  pthread_mutex_lock(&mu);
  done++;
  pthread_cond_broadcast(&cv);
  for (;;) pthread_cond_wait(&cv, &mu);  // stays alive, with its caches
  return nullptr;
}

char out[(MAX_THREADS + 1) * MAX_N * 40];

}  // namespace

int main(int argc, char** argv) {
  static char outbuf[4096];
  setvbuf(stdout, outbuf, _IOLBF, sizeof outbuf);
  if (argc < 5) {
    fprintf(stderr, "usage: allocgen TRUTH N THREADS abort|wait\n");
    return 2;
  }
  nPer = atoi(argv[2]);
  nThreads = atoi(argv[3]);
  if (nPer < 1 || nPer > MAX_N || nThreads < 0 || nThreads > MAX_THREADS) return 2;
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 3;
  pthread_t t[MAX_THREADS];
  for (int k = 0; k < nThreads; k++) pthread_create(&t[k], nullptr, worker, reinterpret_cast<void*>(static_cast<intptr_t>(k + 1)));
  pthread_mutex_lock(&mu);
  waitFor(&allocated, nThreads);
  pthread_mutex_unlock(&mu);
  allocate(0);
  pthread_mutex_lock(&mu);
  phase = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  release(0);
  pthread_mutex_lock(&mu);
  waitFor(&done, nThreads);
  pthread_mutex_unlock(&mu);
  size_t len = 0;
  for (int s = 0; s <= nThreads; s++) {
    for (int i = 0; i < nPer; i++) {
      const Block& b = blocks[s][i];
      int n = b.freed ? snprintf(out + len, sizeof out - len, "F %lx\n", (unsigned long)(uintptr_t)b.p)
                      : snprintf(out + len, sizeof out - len, "U %lx %lx\n", (unsigned long)(uintptr_t)b.p, (unsigned long)b.usable);
      len += n;
    }
  }
  for (size_t o = 0; o < len;) {
    ssize_t k = write(fd, out + o, len - o);
    if (k <= 0) return 4;
    o += k;
  }
  close(fd);
  printf("READY %d\n", (int)getpid());
  if (strcmp(argv[4], "abort") == 0) abort();
  char c;
  while (read(0, &c, 1) > 0) {
  }
  return 0;
}
