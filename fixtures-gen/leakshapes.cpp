// leakshapes: a process that leaks on purpose in every shape and anchors the rest in every way chap knows, and
// writes down by construction what it did (for the leak analysis tests; captured with gcore by capture-leaks.ts).
//
// Usage: leakshapes TRUTH_FILE. Prints "READY <pid>" when everything is in place, then blocks reading stdin.
// TRUTH_FILE gets one line per block the program made on purpose: `<kind> <hex address> <hex usable size>` with
// kind one of
//   unreferenced  leaked, and no used allocation points to it (its last pointer was dropped)
//   leaked        leaked, pointed to only by leaked allocations (list after its dropped head, ring nodes)
//   static        anchored from static memory (directly, through a chain, or by an interior pointer)
//   stack         anchored only by a local variable on a thread's stack
//   register      anchored only by a register of a thread (callee-saved r12, kept across a raw syscall loop)
// While the program runs, its own bookkeeping holds addresses XOR-ed with a key, never as pointers, so the
// bookkeeping anchors nothing. Stack frames that held pointers are overwritten before the process waits.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <pthread.h>
#include <unistd.h>

static const uintptr_t KEY = 0xa5c3a5c3a5c3a5c3ull;
struct Rec { char kind[16]; uintptr_t hidden; };
static Rec g_recs[4096];
static std::atomic<int> g_nrecs;

__attribute__((noinline)) static void note(const char* kind, void* p) {
  int i = g_nrecs.fetch_add(1);
  strncpy(g_recs[i].kind, kind, sizeof g_recs[i].kind - 1);
  g_recs[i].hidden = (uintptr_t)p ^ KEY;
}

struct Link { Link* next; Link* prev; long value[2]; };
struct Animal { virtual ~Animal() {} virtual int legs() const = 0; long id; };
struct Bird : Animal { int legs() const override { return 2; } char song[24]; };
struct Horse : Animal { int legs() const override { return 4; } double speed; };

// Static anchors (external linkage, so the compiler keeps every store to them).
Link* g_chain;          // a chain of 6 links
Animal* g_pets[4];      // objects with vtables, kept
char* g_inside;         // interior pointer: 40 bytes into its block

__attribute__((noinline)) static void drop_blocks(int n) {
  for (int i = 0; i < n; i++) {
    void* p = malloc(24 + 16 * i);
    memset(p, 0x11, 8);
    note("unreferenced", p);
  }
}

__attribute__((noinline)) static void drop_list_head(int n) {
  Link* head = nullptr;
  for (int i = 0; i < n; i++) {
    Link* l = new Link();
    l->next = head;
    head = l;
    note(i == n - 1 ? "unreferenced" : "leaked", l);
  }
}

__attribute__((noinline)) static void drop_ring(int n) {
  Link* first = new Link();
  note("leaked", first);
  Link* last = first;
  for (int i = 1; i < n; i++) {
    Link* l = new Link();
    l->prev = last;
    last->next = l;
    last = l;
    note("leaked", l);
  }
  last->next = first;
  first->prev = last;
}

__attribute__((noinline)) static void drop_objects(int n) {
  for (int i = 0; i < n; i++) {
    Animal* a = (i & 1) ? (Animal*)new Horse() : (Animal*)new Bird();
    a->id = i;
    note("unreferenced", a);
  }
}

// A leaked block whose only referrer is another leaked block's interior pointer: leaked, not unreferenced.
__attribute__((noinline)) static void drop_interior_pair() {
  char* target = (char*)malloc(96);
  void** holder = (void**)malloc(32);
  holder[1] = target + 48;
  note("leaked", target);
  note("unreferenced", holder);
}

__attribute__((noinline)) static void drop_big() {
  void* p = malloc(1 << 20);  // above the mmap threshold: an mmapped chunk
  memset(p, 0x22, 64);
  note("unreferenced", p);
}

__attribute__((noinline)) static void keep_static() {
  for (int i = 0; i < 6; i++) {
    Link* l = new Link();
    l->next = g_chain;
    g_chain = l;
    note("static", l);
  }
  for (int i = 0; i < 4; i++) {
    g_pets[i] = (i & 1) ? (Animal*)new Horse() : (Animal*)new Bird();
    note("static", g_pets[i]);
  }
  char* b = (char*)malloc(200);
  g_inside = b + 40;
  note("static", b);
}

static std::atomic<int> g_threads_ready;

// Holds its block in a local variable and sleeps: the block is anchored by this thread's stack only.
static void* stack_holder(void*) {
  void* volatile held = malloc(136);
  note("stack", held);
  g_threads_ready++;
  for (;;) pause();
  return nullptr;
}

// Holds its block in r12 only, and loops on the pause system call without touching the stack.
static void* register_holder(void*) {
  void* p = malloc(88);
  uintptr_t hidden = (uintptr_t)p ^ KEY;
  int i = g_nrecs.fetch_add(1);
  memcpy(g_recs[i].kind, "register", 9);
  g_recs[i].hidden = hidden;
  g_threads_ready.fetch_add(1);
#if defined(__x86_64__)
  asm volatile(
      "mov %0, %%r12\n\t"
      "xor %0, %0\n\t"
      "1: mov $34, %%eax\n\t"  // SYS_pause
      "syscall\n\t"
      "jmp 1b\n\t"
      : "+r"(p)
      :
      : "r12", "rax", "rcx", "r11", "memory");
#else
  for (;;) pause();
#endif
  return nullptr;
}

// Overwrites the stack below the caller's frame, where the functions above left their pointers.
__attribute__((noinline)) static void scrub() {
  volatile char pad[1 << 17];
  for (size_t i = 0; i < sizeof pad; i++) pad[i] = 0;
}

// In a function of its own, so that the callee-saved registers it uses for the addresses are restored on return.
__attribute__((noinline)) static void write_truth(const char* path) {
  FILE* f = fopen(path, "w");
  int n = g_nrecs.load();
  for (int i = 0; i < n; i++) {
    void* p = (void*)(g_recs[i].hidden ^ KEY);
    fprintf(f, "%s %lx %lx\n", g_recs[i].kind, (unsigned long)(uintptr_t)p, (unsigned long)malloc_usable_size(p));
  }
  fclose(f);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: leakshapes TRUTH_FILE\n");
    return 2;
  }
  drop_blocks(12);
  drop_list_head(8);
  drop_ring(5);
  drop_objects(6);
  drop_interior_pair();
  drop_big();
  keep_static();
  pthread_t t1, t2;
  pthread_create(&t1, nullptr, stack_holder, nullptr);
  pthread_create(&t2, nullptr, register_holder, nullptr);
  while (g_threads_ready.load() < 2) usleep(1000);
  usleep(20000);
  write_truth(argv[1]);
  scrub();
  printf("READY %d\n", (int)getpid());
  fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {
  }
  return 0;
}
