/* Stridescope native kernels. Contracts, iteration orders and the summation algorithm: see kernels.h. */
#if !defined(_WIN32) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700
#endif
#include "kernels.h"
#include "parallel.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#if !defined(_WIN32)
#include <errno.h>
#include <unistd.h>
#define SK_HAVE_PREAD 1
#endif

/* ------------------------------------------------------------------------------------------------------------
 * Fault guard: a SIGBUS inside a kernel (reading a mapping past its file's end) returns SK_E_FAULT.
 * ---------------------------------------------------------------------------------------------------------- */
typedef int32_t (*sk_body)(void *ctx);

#if defined(_MSC_VER)
#include <windows.h>
static int32_t sk_guarded(sk_body body, void *ctx) {
  int32_t r;
  __try {
    r = body(ctx);
  } __except (GetExceptionCode() == EXCEPTION_IN_PAGE_ERROR ? EXCEPTION_EXECUTE_HANDLER
                                                             : EXCEPTION_CONTINUE_SEARCH) {
    r = SK_E_FAULT;
  }
  return r;
}
#elif defined(__unix__) || defined(__APPLE__)
#include <setjmp.h>
#include <signal.h>

/* volatile + compiler barriers: the store of sk_jump must happen before the guarded reads and must not be
 * treated as dead (at -O3 the body is inlined and nothing visibly reads sk_jump). */
static _Thread_local sigjmp_buf *volatile sk_jump;
#define SK_BARRIER() __asm__ __volatile__("" ::: "memory")
static struct sigaction sk_previous_bus;
static volatile int sk_installed;

static void sk_on_bus(int sig, siginfo_t *info, void *uc) {
  sigjmp_buf *jump = sk_jump;
  if (jump) {
    sk_jump = NULL;
    siglongjmp(*jump, 1);
  }
  /* Not ours: hand it to whoever was there before (Electron's crash reporter) or die as the default would. */
  if ((sk_previous_bus.sa_flags & SA_SIGINFO) && sk_previous_bus.sa_sigaction) {
    sk_previous_bus.sa_sigaction(sig, info, uc);
    return;
  }
  if (sk_previous_bus.sa_handler != SIG_DFL && sk_previous_bus.sa_handler != SIG_IGN) {
    sk_previous_bus.sa_handler(sig);
    return;
  }
  signal(sig, SIG_DFL); /* returning re-executes the faulting access, which now kills the process */
}

static void sk_install_guard(void) {
  if (sk_installed) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = sk_on_bus;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER; /* NODEFER: no mask to restore after siglongjmp */
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGBUS, &sa, &sk_previous_bus) == 0) sk_installed = 1;
}

static int32_t sk_guarded(sk_body body, void *ctx) {
  sigjmp_buf env;
  sigjmp_buf *volatile previous = sk_jump;
  sk_install_guard();
  if (sigsetjmp(env, 0) != 0) {
    sk_jump = previous;
    return SK_E_FAULT;
  }
  sk_jump = &env;
  SK_BARRIER();
  int32_t r = body(ctx);
  SK_BARRIER();
  sk_jump = previous;
  return r;
}
#else
static int32_t sk_guarded(sk_body body, void *ctx) { return body(ctx); }
#endif

/* ------------------------------------------------------------------------------------------------------------
 * Loads (alignment-safe, optional byte reversal) and float16.
 * ---------------------------------------------------------------------------------------------------------- */
static inline uint16_t sk_bswap16(uint16_t v) { return (uint16_t)((v >> 8) | (v << 8)); }
static inline uint32_t sk_bswap32(uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}
static inline uint64_t sk_bswap64(uint64_t v) {
  return ((uint64_t)sk_bswap32((uint32_t)v) << 32) | sk_bswap32((uint32_t)(v >> 32));
}

#define SK_LOADERS(SUFFIX, T, U, SWAP)                                        \
  static inline T ld_##SUFFIX(const char *p) {                                \
    T v;                                                                      \
    memcpy(&v, p, sizeof v);                                                  \
    return v;                                                                 \
  }                                                                           \
  static inline T lds_##SUFFIX(const char *p) {                               \
    U u;                                                                      \
    T v;                                                                      \
    memcpy(&u, p, sizeof u);                                                  \
    u = SWAP(u);                                                              \
    memcpy(&v, &u, sizeof v);                                                 \
    return v;                                                                 \
  }

#define SK_NOSWAP(u) (u)
SK_LOADERS(b, uint8_t, uint8_t, SK_NOSWAP)
SK_LOADERS(i8, int8_t, uint8_t, SK_NOSWAP)
SK_LOADERS(u8, uint8_t, uint8_t, SK_NOSWAP)
SK_LOADERS(i16, int16_t, uint16_t, sk_bswap16)
SK_LOADERS(u16, uint16_t, uint16_t, sk_bswap16)
SK_LOADERS(i32, int32_t, uint32_t, sk_bswap32)
SK_LOADERS(u32, uint32_t, uint32_t, sk_bswap32)
SK_LOADERS(i64, int64_t, uint64_t, sk_bswap64)
SK_LOADERS(u64, uint64_t, uint64_t, sk_bswap64)
SK_LOADERS(h16, uint16_t, uint16_t, sk_bswap16)
SK_LOADERS(f32, float, uint32_t, sk_bswap32)
SK_LOADERS(f64, double, uint64_t, sk_bswap64)

/* binary16 -> binary32, exact. */
static inline float sk_half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t man = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  } else if (man == 0) {
    bits = sign;
  } else { /* subnormal: normalise */
    int e = -1;
    do {
      e++;
      man <<= 1;
    } while ((man & 0x400u) == 0);
    bits = sign | ((uint32_t)(112 - e) << 23) | ((man & 0x3ffu) << 13);
  }
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

/* binary32 -> binary16, round to nearest even (NumPy's npy_float_to_half). */
static uint16_t sk_float_to_half(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  uint32_t exp = x & 0x7f800000u;
  uint32_t man = x & 0x007fffffu;
  if (exp >= 0x47800000u) { /* overflow, inf or nan */
    if (exp == 0x7f800000u && man != 0) {
      uint16_t m = (uint16_t)(man >> 13);
      return (uint16_t)(sign | 0x7c00u | (m ? m : 1u));
    }
    return (uint16_t)(sign | 0x7c00u);
  }
  if (exp <= 0x38000000u) { /* subnormal half or zero */
    if (exp < 0x33000000u) return sign;
    uint32_t e = exp >> 23;
    man |= 0x00800000u;
    uint32_t shift = 126 - e; /* 14..24 */
    uint32_t hm = man >> shift;
    uint32_t rem = man & ((1u << shift) - 1);
    uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (hm & 1u))) hm++;
    return (uint16_t)(sign | hm);
  }
  uint32_t he = (exp >> 23) - 112;
  uint32_t hm = man >> 13;
  uint32_t rem = man & 0x1fffu;
  uint32_t r = (he << 10) | hm;
  if (rem > 0x1000u || (rem == 0x1000u && (hm & 1u))) r++; /* may carry into the exponent: correct, incl. inf */
  return (uint16_t)(sign | r);
}

static inline float ld_f16(const char *p) { return sk_half_to_float(ld_h16(p)); }
static inline float lds_f16(const char *p) { return sk_half_to_float(lds_h16(p)); }

/* ------------------------------------------------------------------------------------------------------------
 * Iteration: prepare a view (validate, order, coalesce) and walk its runs.
 * ---------------------------------------------------------------------------------------------------------- */
typedef struct {
  int nd;                        /* >= 1 after preparation (a scalar is one run of 1) */
  int64_t size;                  /* number of elements */
  const char *base;              /* address of the first element in the chosen order */
  int64_t shape[SK_MAX_DIMS];
  int64_t strides[SK_MAX_DIMS];
} sk_iter;

enum { SK_LOGICAL = 0, SK_MEMORY = 1 };

static int sk_prepare(sk_iter *it, const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                      int order) {
  if (ndim < 0 || ndim > SK_MAX_DIMS) return SK_E_ARG;
  if (ndim > 0 && (!shape || !strides)) return SK_E_ARG;
  const char *base = (const char *)data;
  int64_t size = 1;
  int nd = 0;
  int64_t sh[SK_MAX_DIMS], st[SK_MAX_DIMS];
  for (int d = 0; d < ndim; d++) {
    if (shape[d] < 0) return SK_E_ARG;
    size *= shape[d];
    if (shape[d] == 1) continue;
    sh[nd] = shape[d];
    st[nd] = strides[d];
    nd++;
  }
  it->size = size;
  if (size == 0) {
    it->nd = 1;
    it->shape[0] = 0;
    it->strides[0] = 0;
    it->base = base;
    return SK_OK;
  }
  if (order == SK_MEMORY) {
    for (int d = 0; d < nd; d++) {
      if (st[d] < 0) {
        base += (sh[d] - 1) * st[d];
        st[d] = -st[d];
      }
    }
    for (int i = 1; i < nd; i++) { /* stable insertion sort, largest stride first */
      int64_t s = st[i], n = sh[i];
      int j = i - 1;
      while (j >= 0 && st[j] < s) {
        st[j + 1] = st[j];
        sh[j + 1] = sh[j];
        j--;
      }
      st[j + 1] = s;
      sh[j + 1] = n;
    }
  }
  int out = 0;
  for (int d = 0; d < nd; d++) {
    if (out > 0 && it->strides[out - 1] == sh[d] * st[d]) {
      it->shape[out - 1] *= sh[d];
      it->strides[out - 1] = st[d];
    } else {
      it->shape[out] = sh[d];
      it->strides[out] = st[d];
      out++;
    }
  }
  if (out == 0) {
    it->shape[0] = 1;
    it->strides[0] = 0;
    out = 1;
  }
  it->nd = out;
  it->base = base;
  return SK_OK;
}

/* for each run: `P` = address of its first element, `N` = length, `S` = stride (inner loop body follows). */
#define SK_FOR_RUNS(IT, P, N, S)                                                                  \
  for (int64_t sk_idx_[SK_MAX_DIMS] = {0}, N = (IT)->shape[(IT)->nd - 1], S = (IT)->strides[(IT)->nd - 1], \
               sk_runs_ = (N) ? (IT)->size / (N) : 0, sk_k_ = 0;                                 \
       sk_k_ < sk_runs_; sk_k_ = sk_runs_)                                                         \
    for (const char *P = (IT)->base; sk_k_ < sk_runs_;                                             \
         sk_k_++, P = sk_advance((IT), sk_idx_, P))

static inline const char *sk_advance(const sk_iter *it, int64_t *idx, const char *p) {
  for (int d = it->nd - 2; d >= 0; d--) {
    p += it->strides[d];
    if (++idx[d] < it->shape[d]) return p;
    p -= it->strides[d] * it->shape[d];
    idx[d] = 0;
  }
  return p;
}

/* ------------------------------------------------------------------------------------------------------------
 * Pairwise sums (NumPy's algorithm, see kernels.h). STRIDE is either the variable `s` or a constant so the
 * contiguous instantiations vectorise.
 * ---------------------------------------------------------------------------------------------------------- */
#define SK_PAIRWISE(NAME, ACC, LOAD, STRIDE)                                                    \
  static ACC NAME(const char *a, int64_t n, int64_t s) {                                        \
    (void)s;                                                                                    \
    if (n < 8) {                                                                                \
      ACC res = 0;                                                                              \
      for (int64_t i = 0; i < n; i++) res += (ACC)LOAD(a + i * (STRIDE));                       \
      return res;                                                                               \
    } else if (n <= 128) {                                                                      \
      ACC r[8];                                                                                 \
      int64_t i;                                                                                \
      for (int j = 0; j < 8; j++) r[j] = (ACC)LOAD(a + j * (STRIDE));                           \
      for (i = 8; i < n - (n % 8); i += 8) {                                                    \
        const char *q = a + i * (STRIDE);                                                       \
        r[0] += (ACC)LOAD(q + 0 * (STRIDE));                                                    \
        r[1] += (ACC)LOAD(q + 1 * (STRIDE));                                                    \
        r[2] += (ACC)LOAD(q + 2 * (STRIDE));                                                    \
        r[3] += (ACC)LOAD(q + 3 * (STRIDE));                                                    \
        r[4] += (ACC)LOAD(q + 4 * (STRIDE));                                                    \
        r[5] += (ACC)LOAD(q + 5 * (STRIDE));                                                    \
        r[6] += (ACC)LOAD(q + 6 * (STRIDE));                                                    \
        r[7] += (ACC)LOAD(q + 7 * (STRIDE));                                                    \
      }                                                                                         \
      ACC res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));              \
      for (; i < n; i++) res += (ACC)LOAD(a + i * (STRIDE));                                    \
      return res;                                                                               \
    } else {                                                                                    \
      int64_t n2 = n / 2;                                                                       \
      n2 -= n2 % 8;                                                                             \
      ACC lo = NAME(a, n2, s);                                                                  \
      ACC hi = NAME(a + n2 * (STRIDE), n - n2, s);                                              \
      return lo + hi;                                                                           \
    }                                                                                           \
  }

SK_PAIRWISE(pw_f64, double, ld_f64, s)
SK_PAIRWISE(pw_f64c, double, ld_f64, 8)
SK_PAIRWISE(pw_f64s, double, lds_f64, s)
SK_PAIRWISE(pw_f32, float, ld_f32, s)
SK_PAIRWISE(pw_f32c, float, ld_f32, 4)
SK_PAIRWISE(pw_f32s, float, lds_f32, s)
SK_PAIRWISE(pw_f16, float, ld_f16, s)
SK_PAIRWISE(pw_f16s, float, lds_f16, s)

/* float16 sums, contiguous: the same pairwise tree with the 8 partial sums of a block held in one AVX register,
 * loaded by F16C's exact half -> float conversion (vcvtph2ps; subnormals converted exactly, MXCSR.DAZ ignored)
 * — the per-element software conversion (sk_half_to_float) is what the compiler cannot vectorise. Chosen at run
 * time when the CPU has AVX and F16C; the additions are NumPy's, in NumPy's order. */
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SK_HAVE_F16C 1
/* 8 halves from p as 8 floats; `swap`: the halves are stored byte-reversed ('>f2' here) */
__attribute__((target("avx,f16c"))) static inline __m256 sk_load8_f16(const char *p, int swap) {
  __m128i h = _mm_loadu_si128((const __m128i *)p);
  if (swap) h = _mm_or_si128(_mm_slli_epi16(h, 8), _mm_srli_epi16(h, 8));
  return _mm256_cvtph_ps(h);
}

#define SK_PAIRWISE_F16C(NAME, LOAD1, SWAP)                                                     \
  __attribute__((target("avx,f16c"))) static float NAME(const char *a, int64_t n, int64_t s) {  \
    if (n < 8) {                                                                                \
      float res = 0;                                                                            \
      for (int64_t i = 0; i < n; i++) res += LOAD1(a + i * 2);                                  \
      return res;                                                                               \
    } else if (n <= 128) {                                                                      \
      __m256 r = sk_load8_f16(a, SWAP);                                                         \
      int64_t i;                                                                                \
      for (i = 8; i < n - (n % 8); i += 8) r = _mm256_add_ps(r, sk_load8_f16(a + i * 2, SWAP)); \
      float v[8];                                                                               \
      _mm256_storeu_ps(v, r);                                                                   \
      float res = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));           \
      for (; i < n; i++) res += LOAD1(a + i * 2);                                               \
      return res;                                                                               \
    } else {                                                                                    \
      int64_t n2 = n / 2;                                                                       \
      n2 -= n2 % 8;                                                                             \
      float lo = NAME(a, n2, s);                                                                \
      float hi = NAME(a + n2 * 2, n - n2, s);                                                   \
      return lo + hi;                                                                           \
    }                                                                                           \
  }
SK_PAIRWISE_F16C(pw_f16_f16c, ld_f16, 0)
SK_PAIRWISE_F16C(pw_f16s_f16c, lds_f16, 1)

/* Byte-swapped float64 / float32 sums, contiguous ('>f8' / '>f4' here): the same tree with the 8 partial sums of
 * a block in AVX registers, each element byte-reversed by one AVX2 byte shuffle (the scalar loop's per-element
 * bswap + scalar add is not vectorised by the compiler). Lane j holds r[j] of SK_PAIRWISE: the same additions in
 * the same order. Chosen at run time when the CPU has AVX2. */
__attribute__((target("avx2"))) static inline __m256d sk_load4_f64s(const char *p) {
  const __m256i rev = _mm256_setr_epi8(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
                                       15, 14, 13, 12, 11, 10, 9, 8);
  return _mm256_castsi256_pd(_mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)p), rev));
}
__attribute__((target("avx2"))) static inline __m256 sk_load8_f32s(const char *p) {
  const __m256i rev = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2, 1, 0, 7, 6, 5, 4,
                                       11, 10, 9, 8, 15, 14, 13, 12);
  return _mm256_castsi256_ps(_mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)p), rev));
}

__attribute__((target("avx2"))) static double pw_f64s_avx2(const char *a, int64_t n, int64_t s) {
  if (n < 8) {
    double res = 0;
    for (int64_t i = 0; i < n; i++) res += lds_f64(a + i * 8);
    return res;
  } else if (n <= 128) {
    __m256d lo = sk_load4_f64s(a), hi = sk_load4_f64s(a + 32);
    int64_t i;
    for (i = 8; i < n - (n % 8); i += 8) {
      lo = _mm256_add_pd(lo, sk_load4_f64s(a + i * 8));
      hi = _mm256_add_pd(hi, sk_load4_f64s(a + i * 8 + 32));
    }
    double v[8];
    _mm256_storeu_pd(v, lo);
    _mm256_storeu_pd(v + 4, hi);
    double res = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
    for (; i < n; i++) res += lds_f64(a + i * 8);
    return res;
  } else {
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    double lo = pw_f64s_avx2(a, n2, s);
    double hi = pw_f64s_avx2(a + n2 * 8, n - n2, s);
    return lo + hi;
  }
}

__attribute__((target("avx2"))) static float pw_f32s_avx2(const char *a, int64_t n, int64_t s) {
  if (n < 8) {
    float res = 0;
    for (int64_t i = 0; i < n; i++) res += lds_f32(a + i * 4);
    return res;
  } else if (n <= 128) {
    __m256 r = sk_load8_f32s(a);
    int64_t i;
    for (i = 8; i < n - (n % 8); i += 8) r = _mm256_add_ps(r, sk_load8_f32s(a + i * 4));
    float v[8];
    _mm256_storeu_ps(v, r);
    float res = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]));
    for (; i < n; i++) res += lds_f32(a + i * 4);
    return res;
  } else {
    int64_t n2 = n / 2;
    n2 -= n2 % 8;
    float lo = pw_f32s_avx2(a, n2, s);
    float hi = pw_f32s_avx2(a + n2 * 4, n - n2, s);
    return lo + hi;
  }
}

static int sk_has_avx2(void) {
  static int known = -1;
  if (known < 0) {
    __builtin_cpu_init();
    known = __builtin_cpu_supports("avx2");
  }
  return known;
}

static int sk_has_f16c(void) {
  static int known = -1;
  if (known < 0) {
    __builtin_cpu_init();
    known = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
  }
  return known;
}
#endif

/* NumPy's complex pairwise sum, in element units (m elements of stride s; H = size of one part). */
#define SK_CPAIRWISE(NAME, ACC, LOAD, H)                                                        \
  static void NAME(const char *a, int64_t m, int64_t s, ACC *rr, ACC *ri) {                     \
    if (m < 4) {                                                                                \
      ACC re = 0, im = 0;                                                                       \
      for (int64_t i = 0; i < m; i++) {                                                         \
        re += LOAD(a + i * s);                                                                  \
        im += LOAD(a + i * s + (H));                                                            \
      }                                                                                         \
      *rr = re;                                                                                 \
      *ri = im;                                                                                 \
    } else if (m <= 64) {                                                                       \
      ACC r[8];                                                                                 \
      int64_t i;                                                                                \
      for (int j = 0; j < 4; j++) {                                                             \
        r[2 * j] = LOAD(a + j * s);                                                             \
        r[2 * j + 1] = LOAD(a + j * s + (H));                                                   \
      }                                                                                         \
      for (i = 4; i < m - (m % 4); i += 4) {                                                    \
        for (int j = 0; j < 4; j++) {                                                           \
          r[2 * j] += LOAD(a + (i + j) * s);                                                    \
          r[2 * j + 1] += LOAD(a + (i + j) * s + (H));                                          \
        }                                                                                       \
      }                                                                                         \
      ACC re = ((r[0] + r[2]) + (r[4] + r[6]));                                                 \
      ACC im = ((r[1] + r[3]) + (r[5] + r[7]));                                                 \
      for (; i < m; i++) {                                                                      \
        re += LOAD(a + i * s);                                                                  \
        im += LOAD(a + i * s + (H));                                                            \
      }                                                                                         \
      *rr = re;                                                                                 \
      *ri = im;                                                                                 \
    } else {                                                                                    \
      int64_t k = (m - m % 8) / 2;                                                              \
      ACC r1, i1, r2, i2;                                                                       \
      NAME(a, k, s, &r1, &i1);                                                                  \
      NAME(a + k * s, m - k, s, &r2, &i2);                                                      \
      *rr = r1 + r2;                                                                            \
      *ri = i1 + i2;                                                                            \
    }                                                                                           \
  }

SK_CPAIRWISE(cpw_c128, double, ld_f64, 8)
SK_CPAIRWISE(cpw_c128s, double, lds_f64, 8)
SK_CPAIRWISE(cpw_c64, float, ld_f32, 4)
SK_CPAIRWISE(cpw_c64s, float, lds_f32, 4)

/* ------------------------------------------------------------------------------------------------------------
 * Reductions: split over threads, prefaulted chunk by chunk, with progress and cancel (sk_control).
 *
 * Work unit: a "chunk" of at most SK_CHUNK_BYTES of elements. Before a chunk is scanned its pages are
 * prefaulted (parallel.h); after it, its bytes are added to ctl->done_bytes and ctl->cancel is read.
 *   - Order-free reductions (integer sums wrap modulo 2^64; counts; min/max) split the elements, in memory
 *     order, into one contiguous share per thread; the shares' partial results are combined in share order,
 *     so "the first NaN / the first of equal values in memory order" stays what one thread would find.
 *   - Float sums follow NumPy's pairwise tree (see kernels.h). The tree of one run is cut at a fixed depth
 *     into at most 4x threads subtrees ("leaves"), the leaves are summed by whichever thread takes them next,
 *     and the leaves' sums are added back up the same tree: every addition NumPy does happens in the same
 *     order on the same operands, so the result is bit-identical for any thread count. Inside a leaf the
 *     tree is walked down to chunk-sized subtrees (pairwise splits at n > 128 always, so a chunk of more
 *     than 128 elements is a subtree NumPy also has), each summed by the unchanged pw_* functions.
 *     Runs (see kernels.h) are added to the accumulator one after another; a run shorter than
 *     SK_PARALLEL_RUN elements is summed by the calling thread alone.
 *   - Complex sums: one thread, chunked the same way for progress and cancel.
 * ---------------------------------------------------------------------------------------------------------- */
#ifndef SK_CHUNK_BYTES
#define SK_CHUNK_BYTES (256 << 10) /* measured: 256 KiB populate steps beat 64 KiB and 1-8 MiB here */
#endif
#define SK_AUTO_MIN_BYTES (4 << 20) /* automatic thread count: views smaller than this use one thread */
#define SK_PARALLEL_RUN 262144      /* elements: a shorter run's float sum is not split over threads */
#define SK_MAX_LEAVES 256

enum { OP_SUM, OP_MIN, OP_MAX, OP_NAN, OP_NONZERO };

/* One share's partial result. */
typedef struct {
  uint64_t isum;
  int64_t count;
  int has, nan;
  int64_t bi;
  uint64_t bu;
  double bf, bf2;
} sk_part;

typedef double (*sk_pw_fn)(const char *a, int64_t n, int64_t s);

typedef struct {
  sk_iter it;
  int32_t dtype, swap, op, itemsize;
  int nthreads;
  int64_t chunk;     /* elements per chunk (> 128) */
  sk_control *ctl;
  /* file source (see "File source" below): fd >= 0 = read each chunk with pread into bufs[tid] */
  int64_t fd;
  const char *map_base;   /* the address whose file offset is map_offset */
  int64_t map_offset;
  int64_t buf_bytes;      /* each thread's buffer */
  char *bufs[SK_MAX_THREADS];
  int32_t stop;      /* set (atomically) on cancel or a fault in any thread */
  int32_t status[SK_MAX_THREADS];
  sk_part parts[SK_MAX_THREADS];
  /* float sums of one run */
  sk_pw_fn leaf;
  int f32acc;
  int64_t run_s;
  int nleaves;
  int64_t next_leaf;
  const char *leaf_a[SK_MAX_LEAVES];
  int64_t leaf_n[SK_MAX_LEAVES];
  double leaf_r[SK_MAX_LEAVES];
  unsigned char out[16];
} sk_job;

static int sk_stopped(sk_job *j) {
  if (SK_LOAD32(&j->stop)) return 1;
  if (j->ctl && SK_LOAD32(&j->ctl->cancel)) {
    SK_STORE32(&j->stop, 1);
    return 1;
  }
  return 0;
}

static void sk_done(sk_job *j, int64_t elements) {
  if (j->ctl) SK_ADD64(&j->ctl->done_bytes, elements * j->itemsize);
}

/* Prefault the pages of n elements of stride s from a — unless the stride skips whole pages (then the scan
 * touches only the pages it needs, fewer than a populate would map). */
static void sk_prefault_run(const sk_job *j, const char *a, int64_t n, int64_t s) {
  if (n <= 0 || s > 4096 || s < 0) return;
  sk_prefault(a, a + (n - 1) * s + j->itemsize);
}

/* ---- File source: a chunk's bytes read with pread instead of through the mapping ----
 * When the view lies in a shared file mapping ('r', 'r+', 'w+': MAP_SHARED, so the mapping IS the file's page
 * cache) the caller may pass the mapping's fd. Each chunk (a run segment: m elements of stride s from a, s >= 0
 * in memory order) is then read by one pread of the bytes it spans, [a, a + (m-1)*s + itemsize), into the
 * thread's reused buffer, at the same offset modulo 64 (so vector loads see the same alignment), and the unchanged
 * segment / pairwise function runs on the buffer with the same stride: every operation happens on the same
 * operands in the same order, so results are bit-identical to the mapping path. Why: a fresh mapping costs one
 * page-table fault (or one populate step) per page; pread copies the page cache into a buffer that stays in L2,
 * with no page-table work at all (docs/bench.md, "File source": 1 GiB float64 sum 42 ms vs 86-280 ms).
 * Chunks are SK_PREAD_BYTES of span (chunk elements = SK_PREAD_BYTES / stride), so it is used only when the
 * stride is at most SK_PREAD_MAX_STRIDE (a chunk keeps >= 256 elements, > NumPy's 128-element pairwise block;
 * larger strides read little of each page and keep the mapping). A short read (the file was truncated under
 * the mapping) or an I/O error is SK_E_FAULT, like a SIGBUS in the mapping path; EINTR is retried. */
#ifndef SK_PREAD_BYTES
#define SK_PREAD_BYTES (256 << 10) /* measured: 64 KiB 56 ms, 256 KiB 42 ms, 1 MiB 49 ms, 4 MiB 66 ms (1 GiB) */
#endif
#define SK_PREAD_MAX_STRIDE 1024

static void sk_fail(sk_job *j, int tid, int32_t status) {
  j->status[tid] = status;
  SK_STORE32(&j->stop, 1);
}

/* The bytes of n elements of stride s (>= 0) from a, ready to scan: a itself (prefaulted) for the mapping path,
 * or a copy at the same offset modulo 64 in the thread's buffer. NULL after a read fault (status set). */
static const char *sk_fetch(sk_job *j, int tid, const char *a, int64_t n, int64_t s) {
#ifdef SK_HAVE_PREAD
  if (j->fd >= 0 && n > 0) {
    char *buf = j->bufs[tid];
    if (!buf) {
      buf = (char *)malloc((size_t)(j->buf_bytes + 128));
      if (!buf) {
        sk_fail(j, tid, SK_E_ARG);
        return NULL;
      }
      j->bufs[tid] = buf;
    }
    char *dst = (char *)(((uintptr_t)buf + 63) & ~(uintptr_t)63) + ((uintptr_t)a & 63);
    int64_t want = (n - 1) * s + j->itemsize, got = 0;
    int64_t off = j->map_offset + (int64_t)(a - j->map_base);
    while (got < want) {
      ssize_t r = pread((int)j->fd, dst + got, (size_t)(want - got), (off_t)(off + got));
      if (r > 0) {
        got += r;
      } else if (r < 0 && errno == EINTR) {
        continue;
      } else {
        sk_fail(j, tid, SK_E_FAULT); /* 0 = end of file: the file is shorter than the mapping */
        return NULL;
      }
    }
    return dst;
  }
#else
  (void)tid;
#endif
  sk_prefault_run(j, a, n, s);
  return a;
}

static void put_i64(unsigned char *out, int64_t v) { memcpy(out, &v, 8); }
static void put_u64(unsigned char *out, uint64_t v) { memcpy(out, &v, 8); }
static void put_f64(unsigned char *out, double v) { memcpy(out, &v, 8); }

/* Order-free segment functions: fold n elements of stride s from p into a partial. */
#define SK_INT_SEG(FN, T, LOADN, LOADS, W, BEST)                                                \
  static void FN(const sk_job *j, sk_part *q, const char *p, int64_t n, int64_t s) {            \
    switch (j->op) {                                                                            \
      case OP_SUM: {                                                                            \
        uint64_t acc = 0;                                                                       \
        if (j->swap) {                                                                          \
          for (int64_t i = 0; i < n; i++) acc += (uint64_t)(W)LOADS(p + i * s);                 \
        } else if (s == (int64_t)sizeof(T)) {                                                   \
          for (int64_t i = 0; i < n; i++) acc += (uint64_t)(W)LOADN(p + i * (int64_t)sizeof(T)); \
        } else {                                                                                \
          for (int64_t i = 0; i < n; i++) acc += (uint64_t)(W)LOADN(p + i * s);                 \
        }                                                                                       \
        q->isum += acc;                                                                         \
        break;                                                                                  \
      }                                                                                         \
      case OP_NONZERO: {                                                                        \
        int64_t count = 0;                                                                      \
        if (s == (int64_t)sizeof(T)) {                                                          \
          for (int64_t i = 0; i < n; i++) count += LOADN(p + i * (int64_t)sizeof(T)) != 0;      \
        } else {                                                                                \
          for (int64_t i = 0; i < n; i++) count += LOADN(p + i * s) != 0;                       \
        }                                                                                       \
        q->count += count; /* byte order does not change "is zero" */                           \
        break;                                                                                  \
      }                                                                                         \
      case OP_NAN:                                                                              \
        break;                                                                                  \
      default:                                                                                  \
        for (int64_t i = 0; i < n; i++) {                                                       \
          W v = (W)(j->swap ? LOADS(p + i * s) : LOADN(p + i * s));                             \
          if (!q->has) {                                                                        \
            q->BEST = v;                                                                        \
            q->has = 1;                                                                         \
          } else if (j->op == OP_MIN ? v < q->BEST : v > q->BEST) {                             \
            q->BEST = v;                                                                        \
          }                                                                                     \
        }                                                                                       \
    }                                                                                           \
  }

static inline int64_t ld_bool(const char *p) { return ld_b(p) != 0; }
SK_INT_SEG(seg_bool, uint8_t, ld_bool, ld_bool, int64_t, bi)
SK_INT_SEG(seg_i8, int8_t, ld_i8, lds_i8, int64_t, bi)
SK_INT_SEG(seg_u8, uint8_t, ld_u8, lds_u8, uint64_t, bu)
SK_INT_SEG(seg_i16, int16_t, ld_i16, lds_i16, int64_t, bi)
SK_INT_SEG(seg_u16, uint16_t, ld_u16, lds_u16, uint64_t, bu)
SK_INT_SEG(seg_i32, int32_t, ld_i32, lds_i32, int64_t, bi)
SK_INT_SEG(seg_u32, uint32_t, ld_u32, lds_u32, uint64_t, bu)
SK_INT_SEG(seg_i64, int64_t, ld_i64, lds_i64, int64_t, bi)
SK_INT_SEG(seg_u64, uint64_t, ld_u64, lds_u64, uint64_t, bu)

/* Counts over contiguous native-order floats in SSE2 (x86-64's baseline; the compiler leaves the scalar compare
 * loop unvectorised: ~6 GB/s in L2, the bound of count_nonzero over a sparse file read by pread). A lane compare
 * gives all-ones where the element counts (nonzero: x != 0, true for NaN, false for -0.0; NaN: unordered with
 * itself), and subtracting the mask adds 1. Order-free, so the count is the scalar loop's. */
#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define SK_HAVE_SSE2_COUNTS 1
static int64_t sk_count_f64(const char *p, int64_t n, int nan) {
  int64_t i = 0;
  __m128i a0 = _mm_setzero_si128(), a1 = _mm_setzero_si128();
  const __m128d zero = _mm_setzero_pd();
  for (; i + 4 <= n; i += 4) {
    __m128d x = _mm_loadu_pd((const double *)(const void *)(p + i * 8));
    __m128d y = _mm_loadu_pd((const double *)(const void *)(p + i * 8 + 16));
    __m128d mx = nan ? _mm_cmpunord_pd(x, x) : _mm_cmpneq_pd(x, zero);
    __m128d my = nan ? _mm_cmpunord_pd(y, y) : _mm_cmpneq_pd(y, zero);
    a0 = _mm_sub_epi64(a0, _mm_castpd_si128(mx));
    a1 = _mm_sub_epi64(a1, _mm_castpd_si128(my));
  }
  int64_t lanes[2];
  _mm_storeu_si128((__m128i *)(void *)lanes, _mm_add_epi64(a0, a1));
  int64_t count = lanes[0] + lanes[1];
  for (; i < n; i++) {
    double v = ld_f64(p + i * 8);
    count += nan ? v != v : v != 0;
  }
  return count;
}
static int64_t sk_count_f32(const char *p, int64_t n, int nan) {
  int64_t i = 0, count = 0;
  const __m128 zero = _mm_setzero_ps();
  while (n - i >= 8) {
    /* 32-bit lane counters: flushed every 2^20 blocks, far below their range */
    __m128i a0 = _mm_setzero_si128(), a1 = _mm_setzero_si128();
    int64_t stop = i + ((int64_t)1 << 23);
    if (stop > n - 7) stop = n - 7;
    for (; i < stop; i += 8) {
      __m128 x = _mm_loadu_ps((const float *)(const void *)(p + i * 4));
      __m128 y = _mm_loadu_ps((const float *)(const void *)(p + i * 4 + 16));
      __m128 mx = nan ? _mm_cmpunord_ps(x, x) : _mm_cmpneq_ps(x, zero);
      __m128 my = nan ? _mm_cmpunord_ps(y, y) : _mm_cmpneq_ps(y, zero);
      a0 = _mm_sub_epi32(a0, _mm_castps_si128(mx));
      a1 = _mm_sub_epi32(a1, _mm_castps_si128(my));
    }
    int32_t lanes[4];
    _mm_storeu_si128((__m128i *)(void *)lanes, _mm_add_epi32(a0, a1));
    count += (int64_t)lanes[0] + lanes[1] + lanes[2] + lanes[3];
  }
  for (; i < n; i++) {
    float v = ld_f32(p + i * 4);
    count += nan ? v != v : v != 0;
  }
  return count;
}
#endif

/* Real floats (everything but sums): the best value is kept widened to double (exact, order-preserving). */
#define SK_FLOAT_SEG(FN, T, W, LOADN, LOADS, FASTCOUNT)                                         \
  static void FN(const sk_job *j, sk_part *q, const char *p, int64_t n, int64_t s) {            \
    int64_t count = 0;                                                                          \
    if ((j->op == OP_NONZERO || j->op == OP_NAN) && !j->swap && s == W && FASTCOUNT) {          \
      q->count += sk_fast_count(W, p, n, j->op == OP_NAN);                                      \
      return;                                                                                   \
    }                                                                                           \
    if (j->op == OP_NONZERO && !j->swap && s == W) {                                            \
      for (int64_t i = 0; i < n; i++) count += LOADN(p + i * W) != 0;                           \
      q->count += count;                                                                        \
      return;                                                                                   \
    }                                                                                           \
    for (int64_t i = 0; i < n; i++) {                                                           \
      T v = j->swap ? LOADS(p + i * s) : LOADN(p + i * s);                                      \
      if (j->op == OP_NAN) {                                                                    \
        count += v != v;                                                                        \
      } else if (j->op == OP_NONZERO) {                                                         \
        count += v != 0;                                                                        \
      } else if (q->nan) {                                                                      \
        break;                                                                                  \
      } else if (v != v) {                                                                      \
        q->nan = 1;                                                                             \
        q->bf = (double)v;                                                                      \
      } else if (!q->has) {                                                                     \
        q->bf = (double)v;                                                                      \
        q->has = 1;                                                                             \
      } else if (j->op == OP_MIN ? (double)v < q->bf : (double)v > q->bf) {                     \
        q->bf = (double)v;                                                                      \
      }                                                                                         \
    }                                                                                           \
    q->count += count;                                                                          \
  }

#ifdef SK_HAVE_SSE2_COUNTS
static int64_t sk_fast_count(int w, const char *p, int64_t n, int nan) {
  return w == 8 ? sk_count_f64(p, n, nan) : sk_count_f32(p, n, nan);
}
#define SK_FAST_F64 1
#define SK_FAST_F32 1
#else
static int64_t sk_fast_count(int w, const char *p, int64_t n, int nan) {
  (void)w, (void)p, (void)n, (void)nan;
  return 0;
}
#define SK_FAST_F64 0
#define SK_FAST_F32 0
#endif

SK_FLOAT_SEG(seg_f64, double, 8, ld_f64, lds_f64, SK_FAST_F64)
SK_FLOAT_SEG(seg_f32, float, 4, ld_f32, lds_f32, SK_FAST_F32)
SK_FLOAT_SEG(seg_f16, float, 2, ld_f16, lds_f16, 0)

#define SK_COMPLEX_SEG(FN, T, LOADN, LOADS, H)                                                  \
  static void FN(const sk_job *j, sk_part *q, const char *p, int64_t n, int64_t s) {            \
    int64_t count = 0;                                                                          \
    for (int64_t i = 0; i < n; i++) {                                                           \
      const char *e = p + i * s;                                                                \
      T vr = j->swap ? LOADS(e) : LOADN(e);                                                     \
      T vi = j->swap ? LOADS(e + (H)) : LOADN(e + (H));                                         \
      int isnan_ = vr != vr || vi != vi;                                                        \
      if (j->op == OP_NAN) {                                                                    \
        count += isnan_;                                                                        \
      } else if (j->op == OP_NONZERO) {                                                         \
        count += vr != 0 || vi != 0;                                                            \
      } else if (q->nan) {                                                                      \
        break;                                                                                  \
      } else if (isnan_) {                                                                      \
        q->nan = 1;                                                                             \
        q->bf = vr;                                                                             \
        q->bf2 = vi;                                                                            \
      } else if (!q->has) {                                                                     \
        q->bf = vr;                                                                             \
        q->bf2 = vi;                                                                            \
        q->has = 1;                                                                             \
      } else if (j->op == OP_MIN ? (vr < q->bf || (vr == q->bf && vi < q->bf2))                 \
                                 : (vr > q->bf || (vr == q->bf && vi > q->bf2))) {              \
        q->bf = vr;                                                                             \
        q->bf2 = vi;                                                                            \
      }                                                                                         \
    }                                                                                           \
    q->count += count;                                                                          \
  }

SK_COMPLEX_SEG(seg_c128, double, ld_f64, lds_f64, 8)
SK_COMPLEX_SEG(seg_c64, float, ld_f32, lds_f32, 4)

typedef void (*sk_seg_fn)(const sk_job *j, sk_part *q, const char *p, int64_t n, int64_t s);

static sk_seg_fn sk_seg_for(int32_t dtype) {
  switch (dtype) {
    case SK_BOOL: return seg_bool;
    case SK_INT8: return seg_i8;
    case SK_UINT8: return seg_u8;
    case SK_INT16: return seg_i16;
    case SK_UINT16: return seg_u16;
    case SK_INT32: return seg_i32;
    case SK_UINT32: return seg_u32;
    case SK_INT64: return seg_i64;
    case SK_UINT64: return seg_u64;
    case SK_FLOAT16: return seg_f16;
    case SK_FLOAT32: return seg_f32;
    case SK_FLOAT64: return seg_f64;
    case SK_COMPLEX64: return seg_c64;
    case SK_COMPLEX128: return seg_c128;
    default: return NULL;
  }
}

/* 0 signed (and bool), 1 unsigned, 2 real float, 3 complex */
static int sk_kind(int32_t dtype) {
  switch (dtype) {
    case SK_UINT8: case SK_UINT16: case SK_UINT32: case SK_UINT64: return 1;
    case SK_FLOAT16: case SK_FLOAT32: case SK_FLOAT64: return 2;
    case SK_COMPLEX64: case SK_COMPLEX128: return 3;
    default: return 0;
  }
}

/* Share `tid` of the elements, in memory order: [size*tid/T, size*(tid+1)/T). */
typedef struct {
  sk_job *job;
  int tid;
} sk_worker_ctx;

static int32_t sk_flat_body(void *ctx) {
  sk_worker_ctx *w = (sk_worker_ctx *)ctx;
  sk_job *j = w->job;
  const sk_iter *it = &j->it;
  const int64_t T = j->nthreads, size = it->size;
  int64_t e = (int64_t)((double)size * w->tid / T), end = (int64_t)((double)size * (w->tid + 1) / T);
  if (w->tid == T - 1) end = size;
  if (w->tid == 0) e = 0;
  if (e >= end) return SK_OK;
  sk_seg_fn seg = sk_seg_for(j->dtype);
  sk_part *q = &j->parts[w->tid];
  const int64_t n = it->shape[it->nd - 1], s = it->strides[it->nd - 1];
  /* position of element e: run k = e / n, index pos inside it */
  int64_t idx[SK_MAX_DIMS] = {0};
  int64_t k = e / n, pos = e % n;
  const char *p = it->base;
  for (int d = it->nd - 2; d >= 0; d--) {
    idx[d] = k % it->shape[d];
    k /= it->shape[d];
    p += idx[d] * it->strides[d];
  }
  int64_t pending = 0;
  while (e < end) {
    int64_t m = n - pos;
    if (m > end - e) m = end - e;
    if (m > j->chunk) m = j->chunk;
    const char *a = sk_fetch(j, w->tid, p + pos * s, m, s);
    if (!a) return j->status[w->tid];
    seg(j, q, a, m, s);
    e += m;
    pos += m;
    pending += m;
    if (pos == n) {
      pos = 0;
      p = sk_advance(it, idx, p);
    }
    if (pending >= j->chunk || e == end) {
      sk_done(j, pending);
      pending = 0;
      if (sk_stopped(j)) return SK_E_CANCELLED;
    }
  }
  return SK_OK;
}

static void sk_guarded_worker(void *ctx, int tid) {
  sk_job *j = (sk_job *)ctx;
  sk_worker_ctx w = {j, tid};
  int32_t r = sk_guarded(sk_flat_body, &w);
  j->status[tid] = r;
  if (r != SK_OK) SK_STORE32(&j->stop, 1);
}

/* Combine the shares' partials in share order and write the result. */
static void sk_combine(sk_job *j) {
  const int kind = sk_kind(j->dtype);
  sk_part acc;
  memset(&acc, 0, sizeof acc);
  for (int t = 0; t < j->nthreads; t++) {
    const sk_part *q = &j->parts[t];
    acc.isum += q->isum;
    acc.count += q->count;
    if (j->op != OP_MIN && j->op != OP_MAX) continue;
    if (kind >= 2) {
      if (acc.nan) continue;
      if (q->nan) {
        acc.nan = 1;
        acc.bf = q->bf;
        acc.bf2 = q->bf2;
        continue;
      }
    }
    if (!q->has) continue;
    int better;
    if (!acc.has) better = 1;
    else if (kind == 0) better = j->op == OP_MIN ? q->bi < acc.bi : q->bi > acc.bi;
    else if (kind == 1) better = j->op == OP_MIN ? q->bu < acc.bu : q->bu > acc.bu;
    else if (kind == 2) better = j->op == OP_MIN ? q->bf < acc.bf : q->bf > acc.bf;
    else better = j->op == OP_MIN ? (q->bf < acc.bf || (q->bf == acc.bf && q->bf2 < acc.bf2))
                                  : (q->bf > acc.bf || (q->bf == acc.bf && q->bf2 > acc.bf2));
    if (better) {
      acc.has = 1;
      acc.bi = q->bi;
      acc.bu = q->bu;
      acc.bf = q->bf;
      acc.bf2 = q->bf2;
    }
  }
  memset(j->out, 0, sizeof j->out);
  if (j->op == OP_NAN || j->op == OP_NONZERO) {
    put_i64(j->out, acc.count);
  } else if (j->op == OP_SUM) {
    if (kind == 1) put_u64(j->out, acc.isum);
    else put_i64(j->out, (int64_t)acc.isum);
  } else if (kind == 0) {
    put_i64(j->out, acc.bi);
  } else if (kind == 1) {
    put_u64(j->out, acc.bu);
  } else {
    put_f64(j->out, acc.bf);
    if (kind == 3) put_f64(j->out + 8, acc.bf2);
  }
}

/* ---- float sums (pairwise) ---- */
static double pwd_f64(const char *a, int64_t n, int64_t s) { return pw_f64(a, n, s); }
static double pwd_f64c(const char *a, int64_t n, int64_t s) { return pw_f64c(a, n, s); }
static double pwd_f64s(const char *a, int64_t n, int64_t s) { return pw_f64s(a, n, s); }
static double pwd_f32(const char *a, int64_t n, int64_t s) { return pw_f32(a, n, s); }
static double pwd_f32c(const char *a, int64_t n, int64_t s) { return pw_f32c(a, n, s); }
static double pwd_f32s(const char *a, int64_t n, int64_t s) { return pw_f32s(a, n, s); }
static double pwd_f16(const char *a, int64_t n, int64_t s) { return pw_f16(a, n, s); }
static double pwd_f16s(const char *a, int64_t n, int64_t s) { return pw_f16s(a, n, s); }
#ifdef SK_HAVE_F16C
static double pwd_f16v(const char *a, int64_t n, int64_t s) { return pw_f16_f16c(a, n, s); }
static double pwd_f16sv(const char *a, int64_t n, int64_t s) { return pw_f16s_f16c(a, n, s); }
static double pwd_f64sv(const char *a, int64_t n, int64_t s) { return pw_f64s_avx2(a, n, s); }
static double pwd_f32sv(const char *a, int64_t n, int64_t s) { return pw_f32s_avx2(a, n, s); }
#endif

static inline float sk_round_half(float f) { return sk_half_to_float(sk_float_to_half(f)); }

/* a + b in the accumulator's type (float32 for float32/float16 sums: operands are floats, held in doubles) */
static inline double sk_acc_add(int f32acc, double a, double b) {
  return f32acc ? (double)((float)a + (float)b) : a + b;
}

/* NumPy's pairwise sum of n elements from a, walked down to chunk-sized subtrees (see the section header). */
static double sk_pw_node(sk_job *j, int tid, const char *a, int64_t n) {
  const int64_t s = j->run_s;
  if (n <= j->chunk) {
    if (sk_stopped(j)) return 0;
    const char *b = sk_fetch(j, tid, a, n, s);
    if (!b) return 0;
    double r = j->leaf(b, n, s);
    sk_done(j, n);
    return r;
  }
  int64_t n2 = n / 2;
  n2 -= n2 % 8;
  double lo = sk_pw_node(j, tid, a, n2);
  double hi = sk_pw_node(j, tid, a + n2 * s, n - n2);
  return sk_acc_add(j->f32acc, lo, hi);
}

static void sk_pw_collect(sk_job *j, const char *a, int64_t n, int depth) {
  if (depth == 0 || n <= j->chunk) {
    j->leaf_a[j->nleaves] = a;
    j->leaf_n[j->nleaves] = n;
    j->nleaves++;
    return;
  }
  int64_t n2 = n / 2;
  n2 -= n2 % 8;
  sk_pw_collect(j, a, n2, depth - 1);
  sk_pw_collect(j, a + n2 * j->run_s, n - n2, depth - 1);
}

static double sk_pw_combine(sk_job *j, int64_t n, int depth, int *k) {
  if (depth == 0 || n <= j->chunk) return j->leaf_r[(*k)++];
  int64_t n2 = n / 2;
  n2 -= n2 % 8;
  double lo = sk_pw_combine(j, n2, depth - 1, k);
  double hi = sk_pw_combine(j, n - n2, depth - 1, k);
  return sk_acc_add(j->f32acc, lo, hi);
}

static int32_t sk_leaf_body(void *ctx) {
  sk_worker_ctx *w = (sk_worker_ctx *)ctx;
  sk_job *j = w->job;
  for (;;) {
    int64_t i = SK_ADD64(&j->next_leaf, 1);
    if (i >= j->nleaves) break;
    j->leaf_r[i] = sk_pw_node(j, w->tid, j->leaf_a[i], j->leaf_n[i]);
    if (SK_LOAD32(&j->stop)) break;
  }
  return SK_OK;
}

static void sk_leaf_worker(void *ctx, int tid) {
  sk_job *j = (sk_job *)ctx;
  sk_worker_ctx w = {j, tid};
  int32_t r = sk_guarded(sk_leaf_body, &w);
  if (r != SK_OK) {
    j->status[tid] = r;
    SK_STORE32(&j->stop, 1);
  }
}

/* One run's pairwise sum, over the job's threads when the run is long enough. */
static double sk_pw_run(sk_job *j, const char *a, int64_t n) {
  if (j->nthreads <= 1 || n < SK_PARALLEL_RUN) return sk_pw_node(j, 0, a, n);
  int depth = 0;
  while ((1 << depth) < 4 * j->nthreads && (2 << depth) <= SK_MAX_LEAVES) depth++;
  j->nleaves = 0;
  j->next_leaf = 0;
  sk_pw_collect(j, a, n, depth);
  sk_run_parallel(j->nthreads, sk_leaf_worker, j);
  if (SK_LOAD32(&j->stop)) return 0;
  int k = 0;
  return sk_pw_combine(j, n, depth, &k);
}

static int32_t sk_real_sum_body(void *ctx) {
  sk_job *j = (sk_job *)ctx;
  const sk_iter *it = &j->it;
  const int64_t s = it->strides[it->nd - 1];
  int half = j->dtype == SK_FLOAT16;
  j->f32acc = j->dtype != SK_FLOAT64;
  j->run_s = s;
  switch (j->dtype) {
    case SK_FLOAT64:
      j->leaf = j->swap ? pwd_f64s : s == 8 ? pwd_f64c : pwd_f64;
#ifdef SK_HAVE_F16C
      if (j->swap && s == 8 && sk_has_avx2()) j->leaf = pwd_f64sv;
#endif
      break;
    case SK_FLOAT32:
      j->leaf = j->swap ? pwd_f32s : s == 4 ? pwd_f32c : pwd_f32;
#ifdef SK_HAVE_F16C
      if (j->swap && s == 4 && sk_has_avx2()) j->leaf = pwd_f32sv;
#endif
      break;
    default:
      j->leaf = j->swap ? pwd_f16s : pwd_f16;
#ifdef SK_HAVE_F16C
      if (s == 2 && sk_has_f16c()) j->leaf = j->swap ? pwd_f16sv : pwd_f16v;
#endif
      break;
  }
  double acc = 0;
  SK_FOR_RUNS(it, p, n, rs) {
    j->run_s = rs;
    double r = sk_pw_run(j, p, n);
    for (int t = 0; t < j->nthreads; t++) {
      if (j->status[t] != SK_OK) return j->status[t];
    }
    if (sk_stopped(j)) return SK_E_CANCELLED;
    acc = sk_acc_add(j->f32acc, acc, r);
    if (half) acc = sk_round_half((float)acc);
  }
  memset(j->out, 0, sizeof j->out);
  put_f64(j->out, acc);
  return SK_OK;
}

/* Complex sums: NumPy's complex pairwise tree (see kernels.h), walked down to chunk-sized subtrees. */
#define SK_CPW_NODE(NAME, T, LEAF)                                                              \
  static void NAME(sk_job *j, const char *a, int64_t m, int64_t s, T *rr, T *ri) {              \
    if (m <= j->chunk) {                                                                        \
      *rr = 0;                                                                                  \
      *ri = 0;                                                                                  \
      if (sk_stopped(j)) return;                                                                \
      const char *b = sk_fetch(j, 0, a, m, s);                                                  \
      if (!b) return;                                                                           \
      LEAF(b, m, s, rr, ri);                                                                    \
      sk_done(j, m);                                                                            \
      return;                                                                                   \
    }                                                                                           \
    int64_t k = (m - m % 8) / 2;                                                                \
    T r1, i1, r2, i2;                                                                           \
    NAME(j, a, k, s, &r1, &i1);                                                                 \
    NAME(j, a + k * s, m - k, s, &r2, &i2);                                                     \
    *rr = r1 + r2;                                                                              \
    *ri = i1 + i2;                                                                              \
  }
SK_CPW_NODE(cpn_c128, double, cpw_c128)
SK_CPW_NODE(cpn_c128s, double, cpw_c128s)
SK_CPW_NODE(cpn_c64, float, cpw_c64)
SK_CPW_NODE(cpn_c64s, float, cpw_c64s)

static int32_t sk_complex_sum_body(void *ctx) {
  sk_job *j = (sk_job *)ctx;
  const sk_iter *it = &j->it;
  double ar = 0, ai = 0;
  float fr = 0, fi = 0;
  SK_FOR_RUNS(it, p, n, s) {
    if (j->dtype == SK_COMPLEX128) {
      double rr, ri;
      if (j->swap) cpn_c128s(j, p, n, s, &rr, &ri);
      else cpn_c128(j, p, n, s, &rr, &ri);
      ar += rr;
      ai += ri;
    } else {
      float rr, ri;
      if (j->swap) cpn_c64s(j, p, n, s, &rr, &ri);
      else cpn_c64(j, p, n, s, &rr, &ri);
      fr += rr;
      fi += ri;
    }
    if (j->status[0] != SK_OK) return j->status[0];
    if (sk_stopped(j)) return SK_E_CANCELLED;
  }
  memset(j->out, 0, sizeof j->out);
  put_f64(j->out, j->dtype == SK_COMPLEX128 ? ar : (double)fr);
  put_f64(j->out + 8, j->dtype == SK_COMPLEX128 ? ai : (double)fi);
  return SK_OK;
}

static const int32_t SK_ITEMSIZE[] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 2, 4, 8, 8, 16};

static int32_t sk_reduce(int32_t op, const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, int32_t threads, sk_control *ctl, int64_t fd,
                         const void *map_base, int64_t map_offset, void *out) {
  if (!out || dtype < SK_BOOL || dtype > SK_COMPLEX128 || op < OP_SUM || op > OP_NONZERO || threads < 0) return SK_E_ARG;
  sk_job *j = (sk_job *)calloc(1, sizeof(sk_job)); /* ~10 KiB: not on a worker's (koffi's async) stack */
  if (!j) return SK_E_ARG;
  int32_t r = sk_prepare(&j->it, data, ndim, shape, strides, SK_MEMORY);
  if (r == SK_OK && j->it.size > 0 && !data) r = SK_E_ARG;
  if (r == SK_OK && (op == OP_MIN || op == OP_MAX) && j->it.size == 0) r = SK_E_EMPTY;
  if (r == SK_OK && fd >= 0 && (!map_base || map_offset < 0)) r = SK_E_ARG;
  if (r != SK_OK) {
    free(j);
    return r;
  }
  j->dtype = dtype;
  j->swap = byteswap != 0;
  j->op = op;
  j->itemsize = SK_ITEMSIZE[dtype];
  j->ctl = ctl;
  j->chunk = SK_CHUNK_BYTES / j->itemsize;
  j->fd = -1;
#ifdef SK_HAVE_PREAD
  {
    const int64_t s = j->it.strides[j->it.nd - 1]; /* >= 0: memory order */
    if (fd >= 0 && j->it.size > 0 && s <= SK_PREAD_MAX_STRIDE) {
      int64_t step = s > j->itemsize ? s : j->itemsize;
      j->fd = fd;
      j->map_base = (const char *)map_base;
      j->map_offset = map_offset;
      j->chunk = SK_PREAD_BYTES / step;
      j->buf_bytes = (j->chunk - 1) * s + j->itemsize;
    }
  }
#else
  (void)fd;
  (void)map_base;
  (void)map_offset;
#endif
  int64_t bytes = j->it.size * j->itemsize;
  int t = threads > 0 ? threads : (bytes < SK_AUTO_MIN_BYTES ? 1 : sk_cpu_count());
  if (t > SK_MAX_THREADS) t = SK_MAX_THREADS;
  if (t > j->it.size) t = j->it.size > 0 ? (int)j->it.size : 1;
  j->nthreads = t;
  if (ctl) {
    SK_STORE64(&ctl->done_bytes, 0);
    SK_STORE64(&ctl->total_bytes, bytes);
    SK_STORE32(&ctl->threads, t);
    SK_STORE32(&ctl->source, j->fd >= 0 ? SK_SOURCE_PREAD : SK_SOURCE_MEMORY);
  }
  int kind = sk_kind(dtype);
  if (op == OP_SUM && kind == 2) {
    r = sk_guarded(sk_real_sum_body, j);
  } else if (op == OP_SUM && kind == 3) {
    j->nthreads = 1;
    if (ctl) SK_STORE32(&ctl->threads, 1);
    r = sk_guarded(sk_complex_sum_body, j);
  } else if (j->it.size == 0) {
    sk_combine(j);
  } else {
    sk_run_parallel(j->nthreads, sk_guarded_worker, j);
    /* a fault in one share stops the others (they answer SK_E_CANCELLED): the fault is the answer */
    for (int i = 0; i < j->nthreads; i++) {
      if (j->status[i] == SK_E_FAULT || (r == SK_OK && j->status[i] != SK_OK)) r = j->status[i];
    }
    if (r == SK_OK) sk_combine(j);
  }
  if (r == SK_OK) memcpy(out, j->out, (op == OP_NAN || op == OP_NONZERO) ? 8 : 16);
  for (int i = 0; i < SK_MAX_THREADS; i++) free(j->bufs[i]);
  free(j);
  return r;
}

SK_EXPORT int32_t sk_reduce_ex(int32_t op, const void *data, int32_t ndim, const int64_t *shape,
                               const int64_t *strides, int32_t dtype, int32_t byteswap, int32_t threads,
                               sk_control *ctl, void *out) {
  return sk_reduce(op, data, ndim, shape, strides, dtype, byteswap, threads, ctl, -1, NULL, 0, out);
}

SK_EXPORT int32_t sk_reduce_file(int32_t op, const void *data, int32_t ndim, const int64_t *shape,
                                 const int64_t *strides, int32_t dtype, int32_t byteswap, int32_t threads,
                                 sk_control *ctl, int64_t fd, const void *map_base, int64_t map_offset, void *out) {
  return sk_reduce(op, data, ndim, shape, strides, dtype, byteswap, threads, ctl, fd, map_base, map_offset, out);
}

SK_EXPORT int32_t sk_version(void) { return SK_API_VERSION; }

SK_EXPORT int32_t sk_sum(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out) {
  return sk_reduce_ex(OP_SUM, data, ndim, shape, strides, dtype, byteswap, 0, NULL, out);
}
SK_EXPORT int32_t sk_min(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out) {
  return sk_reduce_ex(OP_MIN, data, ndim, shape, strides, dtype, byteswap, 0, NULL, out);
}
SK_EXPORT int32_t sk_max(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out) {
  return sk_reduce_ex(OP_MAX, data, ndim, shape, strides, dtype, byteswap, 0, NULL, out);
}
SK_EXPORT int32_t sk_count_nan(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                               int32_t dtype, int32_t byteswap, int64_t *out) {
  return sk_reduce_ex(OP_NAN, data, ndim, shape, strides, dtype, byteswap, 0, NULL, out);
}
SK_EXPORT int32_t sk_count_nonzero(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                                   int32_t dtype, int32_t byteswap, int64_t *out) {
  return sk_reduce_ex(OP_NONZERO, data, ndim, shape, strides, dtype, byteswap, 0, NULL, out);
}

/* The memory-bandwidth yardstick: a plain sum of nbytes/8 uint64 words (no prefault, no guard needed for
 * process memory the caller owns), split over `threads` threads. */
typedef struct {
  const uint64_t *w;
  int64_t n;
  int threads;
  uint64_t sums[SK_MAX_THREADS];
} sk_bw_job;

static void sk_bw_worker(void *ctx, int tid) {
  sk_bw_job *b = (sk_bw_job *)ctx;
  int64_t lo = b->n * tid / b->threads, hi = b->n * (tid + 1) / b->threads;
  uint64_t acc = 0;
  for (int64_t i = lo; i < hi; i++) acc += b->w[i];
  b->sums[tid] = acc;
}

SK_EXPORT int32_t sk_read_bandwidth(const void *data, int64_t nbytes, int32_t threads, uint64_t *out) {
  if (!data || !out || nbytes < 0 || threads < 1) return SK_E_ARG;
  sk_bw_job *b = (sk_bw_job *)calloc(1, sizeof(sk_bw_job));
  if (!b) return SK_E_ARG;
  b->w = (const uint64_t *)data;
  b->n = nbytes / 8;
  b->threads = threads > SK_MAX_THREADS ? SK_MAX_THREADS : threads;
  sk_run_parallel(b->threads, sk_bw_worker, b);
  uint64_t acc = 0;
  for (int t = 0; t < b->threads; t++) acc += b->sums[t];
  *out = acc;
  free(b);
  return SK_OK;
}

SK_EXPORT int32_t sk_cpu_count_online(void) { return sk_cpu_count(); }

/* ------------------------------------------------------------------------------------------------------------
 * Walk, checksum, copy, byteswap (LOGICAL order).
 * ---------------------------------------------------------------------------------------------------------- */
SK_EXPORT int64_t sk_walk_offsets(int32_t ndim, const int64_t *shape, const int64_t *strides, int64_t start,
                                  int64_t count, int64_t *out) {
  sk_iter it;
  int r = sk_prepare(&it, NULL, ndim, shape, strides, SK_LOGICAL);
  if (r != SK_OK) return r;
  if (start < 0 || count < 0) return SK_E_ARG;
  if (start >= it.size) return 0;
  if (count > it.size - start) count = it.size - start;
  if (count > 0 && !out) return SK_E_ARG;
  int64_t idx[SK_MAX_DIMS];
  int64_t off = 0, rest = start;
  for (int d = it.nd - 1; d >= 0; d--) {
    idx[d] = rest % it.shape[d];
    rest /= it.shape[d];
    off += idx[d] * it.strides[d];
  }
  for (int64_t k = 0; k < count; k++) {
    out[k] = off;
    for (int d = it.nd - 1; d >= 0; d--) {
      off += it.strides[d];
      if (++idx[d] < it.shape[d]) break;
      off -= it.strides[d] * it.shape[d];
      idx[d] = 0;
    }
  }
  return count;
}

typedef struct {
  sk_iter it;
  int64_t itemsize, unit;
  uint64_t hash;
  char *dst;
} sk_bytes_ctx;

#define FNV_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static int32_t sk_checksum_body(void *ctx) {
  sk_bytes_ctx *c = (sk_bytes_ctx *)ctx;
  uint64_t h = FNV_BASIS;
  const int64_t w = c->itemsize;
  SK_FOR_RUNS(&c->it, p, n, s) {
    if (s == w) {
      const unsigned char *q = (const unsigned char *)p;
      for (int64_t i = 0, m = n * w; i < m; i++) h = (h ^ q[i]) * FNV_PRIME;
    } else {
      for (int64_t i = 0; i < n; i++) {
        const unsigned char *q = (const unsigned char *)(p + i * s);
        for (int64_t b = 0; b < w; b++) h = (h ^ q[b]) * FNV_PRIME;
      }
    }
  }
  c->hash = h;
  return SK_OK;
}

SK_EXPORT int32_t sk_checksum(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                              int64_t itemsize, uint64_t *out) {
  sk_bytes_ctx c;
  if (!out || itemsize < 0) return SK_E_ARG;
  int r = sk_prepare(&c.it, data, ndim, shape, strides, SK_LOGICAL);
  if (r != SK_OK) return r;
  if (c.it.size > 0 && itemsize > 0 && !data) return SK_E_ARG;
  c.itemsize = itemsize;
  if (itemsize == 0 || c.it.size == 0) {
    *out = FNV_BASIS;
    return SK_OK;
  }
  r = sk_guarded(sk_checksum_body, &c);
  if (r != SK_OK) return r;
  *out = c.hash;
  return SK_OK;
}

static int32_t sk_copy_body(void *ctx) {
  sk_bytes_ctx *c = (sk_bytes_ctx *)ctx;
  char *d = c->dst;
  const int64_t w = c->itemsize;
  SK_FOR_RUNS(&c->it, p, n, s) {
    if (s == w) {
      memcpy(d, p, (size_t)(n * w));
      d += n * w;
    } else if (w == 8) {
      for (int64_t i = 0; i < n; i++, d += 8) memcpy(d, p + i * s, 8);
    } else if (w == 4) {
      for (int64_t i = 0; i < n; i++, d += 4) memcpy(d, p + i * s, 4);
    } else if (w == 2) {
      for (int64_t i = 0; i < n; i++, d += 2) memcpy(d, p + i * s, 2);
    } else if (w == 1) {
      for (int64_t i = 0; i < n; i++, d += 1) *d = p[i * s];
    } else {
      for (int64_t i = 0; i < n; i++, d += w) memcpy(d, p + i * s, (size_t)w);
    }
  }
  return SK_OK;
}

SK_EXPORT int64_t sk_copy_contiguous(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                                     int64_t itemsize, void *dst, int64_t dst_size) {
  sk_bytes_ctx c;
  if (itemsize < 0 || dst_size < 0) return SK_E_ARG;
  int r = sk_prepare(&c.it, data, ndim, shape, strides, SK_LOGICAL);
  if (r != SK_OK) return r;
  int64_t nbytes = c.it.size * itemsize;
  if (nbytes == 0) return 0;
  if (!data || !dst) return SK_E_ARG;
  if (dst_size < nbytes) return SK_E_SPACE;
  c.itemsize = itemsize;
  c.dst = (char *)dst;
  r = sk_guarded(sk_copy_body, &c);
  return r != SK_OK ? r : nbytes;
}

static int32_t sk_byteswap_body(void *ctx) {
  sk_bytes_ctx *c = (sk_bytes_ctx *)ctx;
  const int64_t w = c->itemsize, u = c->unit;
  SK_FOR_RUNS(&c->it, p, n, s) {
    for (int64_t i = 0; i < n; i++) {
      unsigned char *q = (unsigned char *)(p + i * s);
      for (int64_t g = 0; g < w; g += u) {
        for (int64_t a = g, b = g + u - 1; a < b; a++, b--) {
          unsigned char t = q[a];
          q[a] = q[b];
          q[b] = t;
        }
      }
    }
  }
  return SK_OK;
}

SK_EXPORT int32_t sk_byteswap_inplace(void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                                      int64_t itemsize, int64_t unit) {
  sk_bytes_ctx c;
  if (itemsize < 0 || unit <= 0 || (itemsize % unit) != 0) return SK_E_ARG;
  int r = sk_prepare(&c.it, data, ndim, shape, strides, SK_LOGICAL);
  if (r != SK_OK) return r;
  if (c.it.size == 0 || itemsize == 0 || unit == 1) return SK_OK;
  if (!data) return SK_E_ARG;
  c.itemsize = itemsize;
  c.unit = unit;
  return sk_guarded(sk_byteswap_body, &c);
}

/* ------------------------------------------------------------------------------------------------------------
 * read_at, ctype_info, guarded copy.
 * ---------------------------------------------------------------------------------------------------------- */
#define SK_INFO(T, CLASS) ((int32_t)sizeof(T) | ((CLASS) << 8))

SK_EXPORT int32_t sk_ctype_info(int32_t ctype) {
  switch (ctype) {
    case SK_C_CHAR: return SK_INFO(char, ((char)-1 < 0) ? 0 : 1);
    case SK_C_SCHAR: return SK_INFO(signed char, 0);
    case SK_C_UCHAR: return SK_INFO(unsigned char, 1);
    case SK_C_SHORT: return SK_INFO(short, 0);
    case SK_C_USHORT: return SK_INFO(unsigned short, 1);
    case SK_C_INT: return SK_INFO(int, 0);
    case SK_C_UINT: return SK_INFO(unsigned int, 1);
    case SK_C_LONG: return SK_INFO(long, 0);
    case SK_C_ULONG: return SK_INFO(unsigned long, 1);
    case SK_C_LONGLONG: return SK_INFO(long long, 0);
    case SK_C_ULONGLONG: return SK_INFO(unsigned long long, 1);
    case SK_C_FLOAT: return SK_INFO(float, 2);
    case SK_C_DOUBLE: return SK_INFO(double, 2);
    case SK_C_VOIDP: return SK_INFO(void *, 1);
    case SK_C_SIZE_T: return SK_INFO(size_t, 1);
    case SK_C_BOOL: return SK_INFO(_Bool, 1);
    case SK_C_INT8: return SK_INFO(int8_t, 0);
    case SK_C_UINT8: return SK_INFO(uint8_t, 1);
    case SK_C_INT16: return SK_INFO(int16_t, 0);
    case SK_C_UINT16: return SK_INFO(uint16_t, 1);
    case SK_C_INT32: return SK_INFO(int32_t, 0);
    case SK_C_UINT32: return SK_INFO(uint32_t, 1);
    case SK_C_INT64: return SK_INFO(int64_t, 0);
    case SK_C_UINT64: return SK_INFO(uint64_t, 1);
    case SK_C_INTPTR: return SK_INFO(intptr_t, 0);
    default: return SK_E_ARG;
  }
}

typedef struct {
  const char *address;
  int32_t ctype;
  unsigned char out[8];
} sk_read_ctx;

#define SK_READ_AS(T, WIDE)                                                                     \
  do {                                                                                          \
    T v;                                                                                        \
    memcpy(&v, c->address, sizeof v);                                                           \
    WIDE w = (WIDE)v;                                                                           \
    memcpy(c->out, &w, 8);                                                                      \
  } while (0)

static int32_t sk_read_body(void *ctx) {
  sk_read_ctx *c = (sk_read_ctx *)ctx;
  switch (c->ctype) {
    case SK_C_CHAR:
      if ((char)-1 < 0) SK_READ_AS(char, int64_t);
      else SK_READ_AS(char, uint64_t);
      break;
    case SK_C_SCHAR: SK_READ_AS(signed char, int64_t); break;
    case SK_C_UCHAR: SK_READ_AS(unsigned char, uint64_t); break;
    case SK_C_SHORT: SK_READ_AS(short, int64_t); break;
    case SK_C_USHORT: SK_READ_AS(unsigned short, uint64_t); break;
    case SK_C_INT: SK_READ_AS(int, int64_t); break;
    case SK_C_UINT: SK_READ_AS(unsigned int, uint64_t); break;
    case SK_C_LONG: SK_READ_AS(long, int64_t); break;
    case SK_C_ULONG: SK_READ_AS(unsigned long, uint64_t); break;
    case SK_C_LONGLONG: SK_READ_AS(long long, int64_t); break;
    case SK_C_ULONGLONG: SK_READ_AS(unsigned long long, uint64_t); break;
    case SK_C_FLOAT: SK_READ_AS(float, double); break;
    case SK_C_DOUBLE: SK_READ_AS(double, double); break;
    case SK_C_VOIDP: SK_READ_AS(uintptr_t, uint64_t); break;
    case SK_C_SIZE_T: SK_READ_AS(size_t, uint64_t); break;
    case SK_C_BOOL: SK_READ_AS(unsigned char, uint64_t); break; /* the raw byte: a _Bool load of 2 is UB */
    case SK_C_INT8: SK_READ_AS(int8_t, int64_t); break;
    case SK_C_UINT8: SK_READ_AS(uint8_t, uint64_t); break;
    case SK_C_INT16: SK_READ_AS(int16_t, int64_t); break;
    case SK_C_UINT16: SK_READ_AS(uint16_t, uint64_t); break;
    case SK_C_INT32: SK_READ_AS(int32_t, int64_t); break;
    case SK_C_UINT32: SK_READ_AS(uint32_t, uint64_t); break;
    case SK_C_INT64: SK_READ_AS(int64_t, int64_t); break;
    case SK_C_UINT64: SK_READ_AS(uint64_t, uint64_t); break;
    case SK_C_INTPTR: SK_READ_AS(intptr_t, int64_t); break;
    default: return SK_E_ARG;
  }
  return SK_OK;
}

SK_EXPORT int32_t sk_read_at(const void *address, int32_t ctype, void *out) {
  int32_t info = sk_ctype_info(ctype);
  if (info < 0) return info;
  if (!address || !out) return SK_E_ARG;
  sk_read_ctx c;
  c.address = (const char *)address;
  c.ctype = ctype;
  memset(c.out, 0, sizeof c.out);
  int32_t r = sk_guarded(sk_read_body, &c);
  if (r != SK_OK) return r;
  memcpy(out, c.out, 8);
  return info;
}

typedef struct {
  void *dst;
  const void *src;
  int64_t n;
} sk_memcpy_ctx;

static int32_t sk_memcpy_body(void *ctx) {
  sk_memcpy_ctx *c = (sk_memcpy_ctx *)ctx;
  memcpy(c->dst, c->src, (size_t)c->n);
  return SK_OK;
}

SK_EXPORT int32_t sk_copy_bytes(void *dst, const void *src, int64_t n) {
  if (n < 0) return SK_E_ARG;
  if (n == 0) return SK_OK;
  if (!dst || !src) return SK_E_ARG;
  sk_memcpy_ctx c = {dst, src, n};
  return sk_guarded(sk_memcpy_body, &c);
}
