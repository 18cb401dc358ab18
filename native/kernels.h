/*
 * Stridescope native kernels — what C does with an array handed to it the way NumPy's
 * `a.ctypes.data_as(...)`, `a.ctypes.shape_as(c_int64)`, `a.ctypes.strides_as(c_int64)` hand it:
 *
 *     data     const void *     address of the element at index (0, 0, ..., 0) (NOT the lowest address:
 *                              with negative strides other elements lie below it)
 *     ndim     int32_t          number of dimensions, 0 <= ndim <= SK_MAX_DIMS
 *     shape    const int64_t *  ndim extents (>= 0)
 *     strides  const int64_t *  ndim byte strides (any sign, zero allowed: broadcasting)
 *
 * Portable C11 (+ pthreads / Win32 threads), no other dependencies. Every function is synchronous and
 * thread-compatible; the reductions allocate one small job record (calloc) and may start threads that finish
 * before the call returns (parallel.h).
 *
 * The caller (src-main/platform) guarantees before each call that every byte the view can reach lies inside a
 * live allocation. As a second line of defence, every kernel that reads array memory runs under a fault guard:
 * on POSIX a SIGBUS raised inside the kernel (a file mapping whose file was truncated on disk after the caller's
 * check) makes the kernel return SK_E_FAULT instead of killing the process; on Windows (MSVC) the same is done for
 * EXCEPTION_IN_PAGE_ERROR with structured exception handling. SIGSEGV is never intercepted (V8 owns it).
 *
 * Iteration orders (documented because float sums depend on them):
 *   LOGICAL order  — C order over the view's indices (last index fastest). Used by sk_walk_offsets,
 *                    sk_checksum, sk_copy_contiguous, sk_byteswap_inplace.
 *   MEMORY order   — NumPy's "K" order for reductions: drop extent-1 axes; flip every negative-stride axis
 *                    (start from its last element, stride made positive); stable-sort the axes by stride,
 *                    largest first; merge neighbouring axes when outer.stride == inner.shape * inner.stride.
 *                    The innermost remaining axis is a "run". Used by every reduction (sum, min, max, counts).
 *
 * Summation (sk_sum on floats): NumPy's pairwise summation, reproduced exactly:
 *   the accumulator starts at +0.0 (NumPy's identity) and each run is added to it in memory order:
 *   acc = acc + pairwise(run). pairwise(x, n): n < 8 -> sequential sum from 0.0; n <= 128 -> 8 partial
 *   sums r[j] over x[i+j] (i stepping by 8), combined ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the n%8 tail
 *   added sequentially; n > 128 -> split at n2 = n/2 - (n/2)%8 and add the two halves' pairwise sums.
 *   float32 sums accumulate in float32, float64 in double, float16 in float32 with the accumulator rounded
 *   to float16 after each run (as NumPy's half loop stores its output). Complex sums use NumPy's complex
 *   pairwise variant (4 complex partial sums, blocks of 64 elements, split at (m - m%8)/2 elements).
 *   Consequence: the result equals np.sum bit for bit whenever the view's memory order coalesces to a single
 *   run that NumPy also adds in memory order (C- or F-contiguous arrays and their transposes) and NumPy does not
 *   buffer (native byte order, aligned). Reversed views are not among them: NumPy adds a[::-1] in logical order,
 *   this library in memory order (np.sum(a[::-1]) != np.sum(a) for 1,000,003 random doubles). Otherwise the
 *   result differs from np.sum only by reassociation (|error| <= n*eps*sum|x|).
 *   Integer sums wrap modulo 2^64 exactly like NumPy's int64/uint64 accumulators, so they are order-free.
 *
 * Threads (sk_reduce_ex; the plain sk_sum ... sk_count_nonzero choose automatically): float sums cut NumPy's
 * pairwise tree of each long run (>= 262144 elements) into subtrees summed on different threads and add the
 * subtrees' sums back in the tree's own order, so the result is bit for bit the one-thread result. Integer
 * sums (modular), counts and min/max split the elements into contiguous shares in memory order, combined in
 * share order (min/max keep "first in memory order wins"). Complex sums run on one thread.
 *
 * Min/max: memory order; the first element seeds the running value, which is replaced only when strictly
 * less (min) / greater (max) — so among equal values (+0.0 and -0.0) the first in memory order wins. Any NaN
 * makes the result NaN (the first NaN met). Complex values order lexicographically (real, then imaginary),
 * as NumPy does; an element with a NaN part makes the result that element.
 */
#ifndef STRIDESCOPE_KERNELS_H
#define STRIDESCOPE_KERNELS_H

#include <stdint.h>

#if defined(_WIN32)
#define SK_EXPORT __declspec(dllexport)
#else
#define SK_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define SK_API_VERSION 3
#define SK_MAX_DIMS 64

/* dtype codes: NumPy's numeric kinds. `byteswap` != 0 means the stored bytes are in the opposite order of this
 * machine (e.g. '>f8' on x86-64): each element is byte-reversed (complex: each half) as it is loaded. */
enum sk_dtype {
  SK_BOOL = 0,      /* '?' 1 byte, any non-zero byte is True */
  SK_INT8 = 1,
  SK_UINT8 = 2,
  SK_INT16 = 3,
  SK_UINT16 = 4,
  SK_INT32 = 5,
  SK_UINT32 = 6,
  SK_INT64 = 7,
  SK_UINT64 = 8,
  SK_FLOAT16 = 9,   /* IEEE binary16 */
  SK_FLOAT32 = 10,
  SK_FLOAT64 = 11,
  SK_COMPLEX64 = 12,  /* two float32: real, imaginary */
  SK_COMPLEX128 = 13  /* two float64 */
};

/* Status codes (negative) — returned instead of a result. */
enum sk_status {
  SK_OK = 0,
  SK_E_ARG = -1,    /* ndim out of range, negative extent, unknown dtype/ctype, NULL where data is needed */
  SK_E_EMPTY = -2,  /* min/max of a zero-size view (NumPy: "zero-size array to reduction operation ...") */
  SK_E_FAULT = -3,  /* a memory fault (SIGBUS / in-page error) was caught while reading: nothing was returned */
  SK_E_SPACE = -4,  /* the destination buffer is too small */
  SK_E_CANCELLED = -5 /* sk_control.cancel was set during the call: nothing was returned */
};

/* Progress and cancel for one long call, shared with the caller while the call runs on other threads (the
 * caller polls it; it must stay valid, and not move, until the call returns). 64 bytes, 8-byte aligned.
 *   done_bytes   C adds each completed chunk's bytes (elements * itemsize) as it goes: non-decreasing, and
 *                equal to total_bytes when a call that was not cancelled returns.
 *   total_bytes  C stores size * itemsize at the start of the call.
 *   cancel       the caller sets it non-zero: every thread stops after its current chunk (at most 256 KiB of
 *                elements) and the call returns SK_E_CANCELLED.
 *   threads      C stores the number of threads it uses.
 *   source       C stores where the elements were read from: SK_SOURCE_MEMORY (the address space: the mapping,
 *                prefaulted chunk by chunk) or SK_SOURCE_PREAD (the file, by pread; sk_reduce_file). */
typedef struct sk_control {
  int64_t done_bytes;
  int64_t total_bytes;
  int32_t cancel;
  int32_t threads;
  int32_t source;
  int32_t reserved32;
  int64_t reserved[4];
} sk_control;

enum { SK_SOURCE_MEMORY = 0, SK_SOURCE_PREAD = 1 };

/* The library's API version (SK_API_VERSION); the loader refuses a library with another version. */
SK_EXPORT int32_t sk_version(void);

/* Byte offsets (relative to `data`, may be negative) of elements [start, start+count) of the view in LOGICAL
 * order, written to out[0..]. Writes min(count, size-start) offsets (0 if start >= size) and returns how many,
 * or a negative status. Reads no array memory. */
SK_EXPORT int64_t sk_walk_offsets(int32_t ndim, const int64_t *shape, const int64_t *strides, int64_t start,
                                  int64_t count, int64_t *out);

/* Reductions. `out` receives the result in 16 bytes (8-byte aligned or not: written with memcpy):
 *   sk_sum:  bool and signed ints -> int64 (wrapping); unsigned ints -> uint64 (wrapping);
 *            float16/32/64 -> one double (the float16/float32 result widened exactly);
 *            complex64/128 -> two doubles (real, imaginary).   Zero-size view -> 0.
 *   sk_min / sk_max: the element's value widened: bool/signed -> int64, unsigned -> uint64, floats -> double,
 *            complex -> two doubles. Zero-size view -> SK_E_EMPTY.
 *   sk_count_nan: int64 count of NaN elements (complex: either part NaN; integers: 0).
 *   sk_count_nonzero: int64 count of elements != 0 (NaN counts as non-zero, -0.0 as zero; complex: either part).
 * Return SK_OK or a negative status. */
SK_EXPORT int32_t sk_sum(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out);
SK_EXPORT int32_t sk_min(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out);
SK_EXPORT int32_t sk_max(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out);
SK_EXPORT int32_t sk_count_nan(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                               int32_t dtype, int32_t byteswap, int64_t *out);
SK_EXPORT int32_t sk_count_nonzero(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                                   int32_t dtype, int32_t byteswap, int64_t *out);

/* The reductions above with a thread count and progress/cancel (they are sk_reduce_ex(op, ..., 0, NULL, out)).
 * op: 0 sum, 1 min, 2 max, 3 count_nan, 4 count_nonzero. threads: 0 = automatic (one thread below 4 MiB of
 * elements, else every online CPU), n > 0 = exactly n (at most 64). ctl may be NULL. Results do not depend on
 * the thread count (see "Threads" above). Before each chunk is scanned its pages are prefaulted
 * (madvise(MADV_POPULATE_READ) on Linux >= 5.14, else MADV_WILLNEED); nothing is prefaulted outside a call. */
SK_EXPORT int32_t sk_reduce_ex(int32_t op, const void *data, int32_t ndim, const int64_t *shape,
                               const int64_t *strides, int32_t dtype, int32_t byteswap, int32_t threads,
                               sk_control *ctl, void *out);

/* sk_reduce_ex over a view inside a SHARED file mapping ('r', 'r+', 'w+' — never a private copy-on-write one,
 * whose pages may differ from the file): fd is the mapping's open file descriptor (readable) and the file offset
 * of address p is map_offset + (p - map_base). Each chunk is then read with pread(fd) into a per-thread buffer
 * instead of being faulted in (kernels.c, "File source") when the innermost memory-order stride is at most
 * 1024 bytes; otherwise, and with fd < 0 or on Windows, it is sk_reduce_ex. Results are bit-identical to
 * sk_reduce_ex's. A read that comes up short (the file was truncated under the mapping) or fails is SK_E_FAULT.
 * The caller keeps fd open and the mapping mapped until the call returns. ctl->source says which was used. */
SK_EXPORT int32_t sk_reduce_file(int32_t op, const void *data, int32_t ndim, const int64_t *shape,
                                 const int64_t *strides, int32_t dtype, int32_t byteswap, int32_t threads,
                                 sk_control *ctl, int64_t fd, const void *map_base, int64_t map_offset, void *out);

/* The memory-bandwidth yardstick of `npm run bench`: sum of the nbytes/8 uint64 words at data (process memory
 * the caller owns) over `threads` threads, into *out. Unguarded. */
SK_EXPORT int32_t sk_read_bandwidth(const void *data, int64_t nbytes, int32_t threads, uint64_t *out);

/* Logical CPUs online (what threads = 0 uses). */
SK_EXPORT int32_t sk_cpu_count_online(void);

/* 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over the view's bytes: each element's
 * `itemsize` bytes as stored (no byte-order normalisation), elements in LOGICAL order. A zero-size view hashes
 * to the offset basis. Equal to FNV-1a of sk_copy_contiguous's output. Returns SK_OK or a negative status. */
SK_EXPORT int32_t sk_checksum(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                              int64_t itemsize, uint64_t *out);

/* Copy the view's elements (`itemsize` bytes each, as stored) in LOGICAL order into dst (NumPy's
 * np.ascontiguousarray(a).tobytes()). Returns the number of bytes written (size*itemsize), SK_E_SPACE if
 * dst_size is smaller, or another negative status. */
SK_EXPORT int64_t sk_copy_contiguous(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                                     int64_t itemsize, void *dst, int64_t dst_size);

/* Reverse, in place, each `unit`-byte group of each element (`itemsize` bytes, a multiple of unit): NumPy's
 * a.byteswap(inplace=True) (unit = itemsize for ints/floats, itemsize/2 for complex, 4 for 'U', 1 = no-op).
 * Every logical index is visited once, so a view whose elements overlap (zero strides) swaps shared bytes
 * more than once — exactly as NumPy does. Returns SK_OK or a negative status. */
SK_EXPORT int32_t sk_byteswap_inplace(void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                                      int64_t itemsize, int64_t unit);

/* C types for sk_read_at / sk_ctype_info (the types ctypes names c_char ... c_void_p). */
enum sk_ctype {
  SK_C_CHAR = 0, SK_C_SCHAR = 1, SK_C_UCHAR = 2, SK_C_SHORT = 3, SK_C_USHORT = 4, SK_C_INT = 5, SK_C_UINT = 6,
  SK_C_LONG = 7, SK_C_ULONG = 8, SK_C_LONGLONG = 9, SK_C_ULONGLONG = 10, SK_C_FLOAT = 11, SK_C_DOUBLE = 12,
  SK_C_VOIDP = 13, SK_C_SIZE_T = 14, SK_C_BOOL = 15, SK_C_INT8 = 16, SK_C_UINT8 = 17, SK_C_INT16 = 18,
  SK_C_UINT16 = 19, SK_C_INT32 = 20, SK_C_UINT32 = 21, SK_C_INT64 = 22, SK_C_UINT64 = 23, SK_C_INTPTR = 24
};

/* Describe a C type on this platform: returns sizeof(type) | (class << 8), class 0 = signed integer,
 * 1 = unsigned integer (pointers, _Bool as its byte), 2 = floating; SK_E_ARG for an unknown code.
 * (`char` reports its real signedness here: signed on x86, unsigned on Linux/ARM.) */
SK_EXPORT int32_t sk_ctype_info(int32_t ctype);

/* What C reads at `address` as `ctype`: loads sizeof(ctype) bytes in this machine's byte order (via memcpy, so
 * unaligned addresses are fine) and writes the value widened to 8 bytes at out: int64 (signed classes),
 * uint64 (unsigned classes; _Bool as its raw byte, C would see byte != 0), double (float/double).
 * Returns sk_ctype_info(ctype) or a negative status. Guarded like the kernels. */
SK_EXPORT int32_t sk_read_at(const void *address, int32_t ctype, void *out);

/* memcpy(dst, src, n) under the fault guard: SK_OK, or SK_E_FAULT if reading src faulted (truncated mapping).
 * Used by the main process to copy windows out of file mappings. */
SK_EXPORT int32_t sk_copy_bytes(void *dst, const void *src, int64_t n);

#ifdef __cplusplus
}
#endif

#endif
