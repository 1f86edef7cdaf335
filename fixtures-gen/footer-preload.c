/*
 * Heapscope footer preload: an LD_PRELOAD library that leaves the same
 * 16-byte footer as malloc_tracer's, so our own cores carry footers.
 *
 *   gcc -shared -fPIC -O2 -o footer-preload.so footer-preload.c -ldl
 *   LD_PRELOAD=./footer-preload.so ./program
 *
 * malloc / calloc / realloc ask glibc for `size + 16` bytes and write, at the
 * END of the usable chunk (address + malloc_usable_size(address) - 16):
 *
 *   { uint64 return address of the caller, uint64 requested size }   (native LE)
 *
 * free needs nothing (the footer lives inside the chunk). realloc writes a
 * fresh footer at the end of the new usable area. posix_memalign,
 * aligned_alloc, memalign, valloc and pvalloc are not wrapped: their blocks
 * carry no footer (a reader sees requested >= usable or a return address in
 * no module and counts them as errors / "Unknown lib").
 *
 * Bootstrap: dlsym may itself call calloc/malloc before the real functions
 * are known. Such early requests are served from a small static arena; free
 * ignores arena blocks and realloc moves them to the real heap.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>

#define FOOTER 16

typedef void *(*malloc_fn)(size_t);
typedef void *(*calloc_fn)(size_t, size_t);
typedef void *(*realloc_fn)(void *, size_t);
typedef void (*free_fn)(void *);

static malloc_fn real_malloc;
static calloc_fn real_calloc;
static realloc_fn real_realloc;
static free_fn real_free;
static int resolving;

/* Early-allocation arena: bump allocator, 16-byte aligned, a size word before each block. */
static _Alignas(16) unsigned char arena[64 * 1024];
static size_t arena_used;

static int in_arena(const void *p) {
  return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + sizeof arena;
}

static void *arena_alloc(size_t size) {
  size_t need = 16 + ((size + 15) & ~(size_t)15);
  size_t at = __atomic_fetch_add(&arena_used, need, __ATOMIC_RELAXED);
  if (size > sizeof arena || at + need > sizeof arena) {
    errno = ENOMEM;
    return NULL;
  }
  *(size_t *)(arena + at) = size;
  return arena + at + 16; /* static storage: already zero */
}

static size_t arena_size(const void *p) {
  return *(const size_t *)((const unsigned char *)p - 16);
}

static void resolve(void) {
  if (real_malloc || resolving) return;
  resolving = 1;
  real_calloc = (calloc_fn)dlsym(RTLD_NEXT, "calloc");
  real_realloc = (realloc_fn)dlsym(RTLD_NEXT, "realloc");
  real_free = (free_fn)dlsym(RTLD_NEXT, "free");
  /* malloc last: once it is set, every wrapper takes the real path. */
  malloc_fn m = (malloc_fn)dlsym(RTLD_NEXT, "malloc");
  __atomic_store_n(&real_malloc, m, __ATOMIC_RELEASE);
  resolving = 0;
}

__attribute__((constructor)) static void footer_preload_init(void) {
  resolve();
}

/* Writes the footer at the end of the usable area of `p`. */
static void *put_footer(void *p, size_t requested, void *caller) {
  if (!p) return p;
  size_t usable = malloc_usable_size(p);
  uint64_t *f = (uint64_t *)((unsigned char *)p + usable - FOOTER);
  f[0] = (uint64_t)(uintptr_t)caller;
  f[1] = (uint64_t)requested;
  return p;
}

static int grown(size_t size, size_t *out) {
  if (size > SIZE_MAX - FOOTER) {
    errno = ENOMEM;
    return 0;
  }
  *out = size + FOOTER;
  return 1;
}

void *malloc(size_t size) {
  resolve();
  if (!real_malloc) return arena_alloc(size);
  size_t n;
  if (!grown(size, &n)) return NULL;
  return put_footer(real_malloc(n), size, __builtin_return_address(0));
}

void *calloc(size_t count, size_t size) {
  size_t total;
  if (__builtin_mul_overflow(count, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  resolve();
  if (!real_malloc) return arena_alloc(total);
  size_t n;
  if (!grown(total, &n)) return NULL;
  return put_footer(real_calloc(1, n), total, __builtin_return_address(0));
}

void *realloc(void *p, size_t size) {
  resolve();
  void *caller = __builtin_return_address(0);
  if (!real_malloc) {
    /* Still bootstrapping: everything stays in the arena. */
    void *q = arena_alloc(size);
    if (q && p) {
      size_t old = in_arena(p) ? arena_size(p) : size;
      memcpy(q, p, old < size ? old : size);
    }
    return q;
  }
  size_t n;
  if (!grown(size, &n)) return NULL;
  if (p && in_arena(p)) {
    void *q = real_malloc(n);
    if (!q) return NULL;
    size_t old = arena_size(p);
    memcpy(q, p, old < size ? old : size);
    return put_footer(q, size, caller);
  }
  return put_footer(real_realloc(p, n), size, caller);
}

void free(void *p) {
  if (!p || in_arena(p)) return;
  resolve();
  if (real_free) real_free(p);
}
