/*
 * One 64 MiB allocation for the inspector (issue 14 item 5): a process holding 2,000 short strings and one
 * 64 MiB block (mmapped by glibc) of 16-byte records { pointer to string k % 2000, k } — a pointer word every
 * 16 bytes, the inspector's worst case — that starts with the text "HEAPSCOPE-BIG-ALLOC-START". It prints
 * "BIG <address> <size>" and "READY <pid>", then waits for stdin to close (the caller gcores it meanwhile).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STRINGS 2000
#define BIG ((size_t)64 << 20)

char *strings[STRINGS];
uint64_t *big;

int main(void) {
  for (int i = 0; i < STRINGS; i++) {
    strings[i] = malloc(32);
    snprintf(strings[i], 32, "big-alloc-string-%04d", i);
  }
  big = malloc(BIG);
  for (size_t k = 0; k < BIG / 16; k++) {
    big[2 * k] = (uint64_t)(uintptr_t)strings[k % STRINGS];
    big[2 * k + 1] = k;
  }
  memcpy(big, "HEAPSCOPE-BIG-ALLOC-START", 25);
  printf("BIG %lx %lx\nREADY %d\n", (unsigned long)(uintptr_t)big, (unsigned long)BIG, (int)getpid());
  fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {
  }
  return 0;
}
