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
 * A block is counted when its allocation is called from those ranges, and
 * remembered (a table of addresses) until it is freed, whoever frees it: a
 * tail call (`free(t)` as a function's last statement) makes free's return
 * address the caller's caller, which may be outside the ranges.
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

/* Addresses of counted blocks: open addressing, linear probing, no allocation of its own. */
#define TABLE_BITS 20
#define TABLE_SIZE (1u << TABLE_BITS)
static uintptr_t table[TABLE_SIZE];
static int64_t remembered;
static char lock;

static void take(void) {
  while (__atomic_test_and_set(&lock, __ATOMIC_ACQUIRE)) {
  }
}

static void give(void) {
  __atomic_clear(&lock, __ATOMIC_RELEASE);
}

static uint32_t slot_of(uintptr_t p) {
  return (uint32_t)(((uint64_t)(p >> 4) * 0x9E3779B97F4A7C15ull) >> (64 - TABLE_BITS));
}

/* 0 when the table is full (the block is then not counted). */
static int remember(void *p) {
  uint32_t i, n;
  take();
  for (i = slot_of((uintptr_t)p), n = 0; n < TABLE_SIZE; i = (i + 1) & (TABLE_SIZE - 1), n++) {
    if (table[i] == 0) {
      table[i] = (uintptr_t)p;
      __atomic_add_fetch(&remembered, 1, __ATOMIC_RELAXED);
      give();
      return 1;
    }
  }
  give();
  return 0;
}

/* 1 when p was counted (and now is not). */
static int forget(void *p) {
  uint32_t i, j, home;
  if (__atomic_load_n(&remembered, __ATOMIC_RELAXED) == 0) return 0;
  take();
  for (i = slot_of((uintptr_t)p); table[i] != (uintptr_t)p; i = (i + 1) & (TABLE_SIZE - 1)) {
    if (table[i] == 0) {
      give();
      return 0;
    }
  }
  /* Backward-shift deletion keeps every later entry reachable from its home slot. */
  for (j = i;;) {
    j = (j + 1) & (TABLE_SIZE - 1);
    if (table[j] == 0) break;
    home = slot_of(table[j]);
    if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
      table[i] = table[j];
      i = j;
    }
  }
  table[i] = 0;
  __atomic_sub_fetch(&remembered, 1, __ATOMIC_RELAXED);
  give();
  return 1;
}

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

static void allocated(void *p) {
  if (p == NULL || !remember(p)) return;
  add_live((int64_t)malloc_usable_size(p));
  __atomic_add_fetch(&shared->allocations, 1, __ATOMIC_RELAXED);
}

/* Call before the block goes back to glibc. */
static void freeing(void *p) {
  if (p == NULL || !forget(p)) return;
  add_live(-(int64_t)malloc_usable_size(p));
  __atomic_add_fetch(&shared->frees, 1, __ATOMIC_RELAXED);
}

void *malloc(size_t size) {
  void *p = __libc_malloc(size);
  if (counted(__builtin_return_address(0))) allocated(p);
  return p;
}

void *calloc(size_t count, size_t size) {
  void *p = __libc_calloc(count, size);
  if (counted(__builtin_return_address(0))) allocated(p);
  return p;
}

void *realloc(void *old, size_t size) {
  int mine = counted(__builtin_return_address(0));
  void *p;
  int was = 0;
  int64_t before = 0;
  if (old != NULL) {
    before = (int64_t)malloc_usable_size(old);
    was = forget(old);
  }
  p = __libc_realloc(old, size);
  if (p == NULL && size != 0) { /* failed: the old block stays as it was */
    if (was) remember(old);
    return p;
  }
  if (was) {
    add_live(-before);
    __atomic_add_fetch(&shared->frees, 1, __ATOMIC_RELAXED);
  }
  if (mine || was) allocated(p);
  return p;
}

void free(void *p) {
  freeing(p);
  __libc_free(p);
}
