/* Threads and prefaulting for the kernels: see parallel.h. */
#if defined(__linux__)
#define _DEFAULT_SOURCE /* madvise and MADV_* next to _XOPEN_SOURCE */
#endif
#if !defined(_WIN32) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700
#endif
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE
#endif
#include "parallel.h"

#include <stddef.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

typedef struct {
  sk_worker fn;
  void *ctx;
  int tid;
} sk_thread_arg;

int sk_cpu_count(void) {
#if defined(_WIN32)
  SYSTEM_INFO info;
  GetSystemInfo(&info);
  return info.dwNumberOfProcessors > 0 ? (int)info.dwNumberOfProcessors : 1;
#else
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
#endif
}

#if defined(_WIN32)
static DWORD WINAPI sk_thread_main(LPVOID p) {
  sk_thread_arg *a = (sk_thread_arg *)p;
  a->fn(a->ctx, a->tid);
  return 0;
}
#else
static void *sk_thread_main(void *p) {
  sk_thread_arg *a = (sk_thread_arg *)p;
  a->fn(a->ctx, a->tid);
  return NULL;
}
#endif

void sk_run_parallel(int n, sk_worker fn, void *ctx) {
  if (n > SK_MAX_THREADS) n = SK_MAX_THREADS;
  if (n <= 1) {
    fn(ctx, 0);
    return;
  }
  sk_thread_arg args[SK_MAX_THREADS];
  int started[SK_MAX_THREADS] = {0};
#if defined(_WIN32)
  HANDLE handles[SK_MAX_THREADS];
#else
  pthread_t handles[SK_MAX_THREADS];
#endif
  for (int t = 1; t < n; t++) {
    args[t].fn = fn;
    args[t].ctx = ctx;
    args[t].tid = t;
#if defined(_WIN32)
    handles[t] = CreateThread(NULL, 0, sk_thread_main, &args[t], 0, NULL);
    started[t] = handles[t] != NULL;
#else
    started[t] = pthread_create(&handles[t], NULL, sk_thread_main, &args[t]) == 0;
#endif
  }
  fn(ctx, 0);
  for (int t = 1; t < n; t++) {
    if (!started[t]) {
      fn(ctx, t); /* no thread for this share (resource limits): the caller does it, the answer is the same */
      continue;
    }
#if defined(_WIN32)
    WaitForSingleObject(handles[t], INFINITE);
    CloseHandle(handles[t]);
#else
    pthread_join(handles[t], NULL);
#endif
  }
}

#if defined(__linux__) && !defined(MADV_POPULATE_READ)
#define MADV_POPULATE_READ 22 /* linux/mman.h, Linux 5.14 */
#endif

void sk_prefault(const void *lo, const void *hi) {
#ifdef SK_NO_PREFAULT
  return;
#endif
#if defined(_WIN32)
  (void)lo; /* the scan faults pages in (PrefetchVirtualMemory would only start I/O, not map pages) */
  (void)hi;
#else
  static volatile int populate_unsupported;
  static long page;
  if (!page) page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
  uintptr_t a = (uintptr_t)lo & ~(uintptr_t)(page - 1);
  uintptr_t b = (uintptr_t)hi;
  if (b <= a) return;
#if defined(__linux__)
  if (!populate_unsupported) {
    int saved = errno;
    int r = madvise((void *)a, b - a, MADV_POPULATE_READ);
    int e = errno;
    errno = saved;
    if (r == 0) return;
    if (e != EINVAL) return; /* EFAULT: the file shrank under the mapping; the guarded scan reports it */
    populate_unsupported = 1; /* kernel older than 5.14 */
  }
#endif
  madvise((void *)a, b - a, MADV_WILLNEED);
#endif
}
