/*
 * Heap counter for the XS benchmark's parent process (LD_PRELOAD): counts the
 * bytes held by heap blocks that code in a few address ranges allocated and
 * has not freed. The bench writes the ranges (the executable mappings of
 * libmbedtls, libmbedx509, libmbedcrypto and the wsx_tls addon, from
 * /proc/self/maps) into a shared counter file once the addon is loaded, so a
 * connection's native memory is counted exactly, while Node's and V8's own
 * allocations (called from elsewhere) are not. Debian's mbedTLS is built
 * without MBEDTLS_PLATFORM_MEMORY, so mbedtls_platform_set_calloc_free is not
 * available; this counts at the C library's door instead.
 *
 * Sizes are malloc_usable_size() (what glibc set aside, at least what was asked).
 * Counter file layout (little-endian int64): live bytes, allocations, frees,
 * range count, up to 16 [start, end) pairs, then the peak of live bytes
 * (the bench resets it to live before what it wants the peak of).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

#define MAX_RANGES 16

struct counter {
  int64_t live;
  int64_t allocations;
  int64_t frees;
  int64_t ranges;
  uint64_t range[MAX_RANGES][2];
  int64_t peak;
};

static struct counter *shared;

__attribute__((constructor)) static void open_counter(void) {
  const char *path = getenv("WSX_HEAP_COUNT_FILE");
  int fd;
  void *map;
  if (path == NULL) return;
  fd = open(path, O_RDWR | O_CREAT, 0600);
  if (fd < 0) return;
  if (ftruncate(fd, 4096) == 0) {
    map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map != MAP_FAILED) shared = (struct counter *)map;
  }
  close(fd);
}

static int counted(const void *caller) {
  uintptr_t at = (uintptr_t)caller;
  int64_t i, n;
  if (shared == NULL) return 0;
  n = __atomic_load_n(&shared->ranges, __ATOMIC_ACQUIRE);
  if (n > MAX_RANGES) n = MAX_RANGES;
  for (i = 0; i < n; i++) {
    if (at >= shared->range[i][0] && at < shared->range[i][1]) return 1;
  }
  return 0;
}

static void add_live(int64_t delta) {
  int64_t live = __atomic_add_fetch(&shared->live, delta, __ATOMIC_RELAXED);
  int64_t peak = __atomic_load_n(&shared->peak, __ATOMIC_RELAXED);
  while (live > peak && !__atomic_compare_exchange_n(&shared->peak, &peak, live, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
}

static void held(void *p, int64_t sign) {
  if (p == NULL) return;
  add_live(sign * (int64_t)malloc_usable_size(p));
  __atomic_add_fetch(sign > 0 ? &shared->allocations : &shared->frees, 1, __ATOMIC_RELAXED);
}

void *malloc(size_t size) {
  void *p = __libc_malloc(size);
  if (counted(__builtin_return_address(0))) held(p, 1);
  return p;
}

void *calloc(size_t count, size_t size) {
  void *p = __libc_calloc(count, size);
  if (counted(__builtin_return_address(0))) held(p, 1);
  return p;
}

void *realloc(void *old, size_t size) {
  int mine = counted(__builtin_return_address(0));
  int64_t before = (mine && old != NULL) ? (int64_t)malloc_usable_size(old) : 0;
  void *p = __libc_realloc(old, size);
  if (mine && (p != NULL || size == 0)) {
    add_live((p ? (int64_t)malloc_usable_size(p) : 0) - before);
  }
  return p;
}

void free(void *p) {
  if (p != NULL && counted(__builtin_return_address(0))) held(p, -1);
  __libc_free(p);
}
