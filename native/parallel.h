/*
 * Stridescope's threads and page prefaulting, shared by the kernels (kernels.c):
 *
 *   sk_run_parallel(n, fn, ctx)  runs fn(ctx, 0) on the calling thread and fn(ctx, 1..n-1) on n-1 new threads,
 *                                and returns when all have finished. Threads live for one call: a kernel call
 *                                scans megabytes to gigabytes, so creating a thread (~20-50 us) is noise, and no
 *                                thread outlives the call (nothing to shut down when the library is unloaded).
 *   sk_prefault(lo, hi)          asks the OS to map every page of [lo, hi) in one go before a kernel scans it
 *                                (Linux >= 5.14: madvise(MADV_POPULATE_READ), which replaces one minor fault per
 *                                page — or per fault-around block — by one page-table walk; elsewhere
 *                                MADV_WILLNEED, which starts readahead but leaves the faults to the scan).
 *                                Only a hint: a failure is ignored and the scan faults the pages in itself.
 *   sk_cpu_count()               logical CPUs online.
 */
#ifndef STRIDESCOPE_PARALLEL_H
#define STRIDESCOPE_PARALLEL_H

#include <stdint.h>

#define SK_MAX_THREADS 64

typedef void (*sk_worker)(void *ctx, int tid);

int sk_cpu_count(void);
void sk_run_parallel(int n, sk_worker fn, void *ctx);
void sk_prefault(const void *lo, const void *hi);

#if defined(_MSC_VER)
#include <intrin.h>
#define SK_ADD64(p, v) _InterlockedExchangeAdd64((volatile __int64 *)(p), (v))
#define SK_LOAD32(p) (*(volatile const int32_t *)(p))
#define SK_STORE32(p, v) (*(volatile int32_t *)(p) = (v))
#define SK_STORE64(p, v) (*(volatile int64_t *)(p) = (v))
#else
#define SK_ADD64(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define SK_LOAD32(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define SK_STORE32(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define SK_STORE64(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#endif

#endif
