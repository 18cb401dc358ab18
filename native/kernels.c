/* Stridescope native kernels. Contracts, iteration orders and the summation algorithm: see kernels.h. */
#if !defined(_WIN32) && !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700
#endif
#include "kernels.h"

#include <stddef.h>
#include <string.h>

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
 * Reductions.
 * ---------------------------------------------------------------------------------------------------------- */
typedef struct {
  sk_iter it;
  int32_t dtype, swap, op;
  unsigned char out[16];
} sk_reduce_ctx;

enum { OP_SUM, OP_MIN, OP_MAX, OP_NAN, OP_NONZERO };

static void put_i64(unsigned char *out, int64_t v) { memcpy(out, &v, 8); }
static void put_u64(unsigned char *out, uint64_t v) { memcpy(out, &v, 8); }
static void put_f64(unsigned char *out, double v) { memcpy(out, &v, 8); }

/* Integer kinds: sum wraps in uint64; min/max/counts straightforward. W = widened C type. */
#define SK_INT_REDUCE(FN, LOADN, LOADS, W, PUT)                                                 \
  static int32_t FN(sk_reduce_ctx *c) {                                                         \
    const sk_iter *it = &c->it;                                                                 \
    if (c->op == OP_NAN) {                                                                      \
      put_i64(c->out, 0);                                                                       \
      return SK_OK;                                                                             \
    }                                                                                           \
    if ((c->op == OP_MIN || c->op == OP_MAX) && it->size == 0) return SK_E_EMPTY;               \
    uint64_t sum = 0;                                                                           \
    int64_t count = 0;                                                                          \
    int first = 1;                                                                              \
    W best = 0;                                                                                 \
    SK_FOR_RUNS(it, p, n, s) {                                                                  \
      if (c->op == OP_SUM) {                                                                    \
        uint64_t acc = 0;                                                                       \
        if (c->swap) {                                                                          \
          for (int64_t i = 0; i < n; i++) acc += (uint64_t)(W)LOADS(p + i * s);                 \
        } else {                                                                                \
          for (int64_t i = 0; i < n; i++) acc += (uint64_t)(W)LOADN(p + i * s);                 \
        }                                                                                       \
        sum += acc;                                                                             \
      } else if (c->op == OP_NONZERO) {                                                         \
        for (int64_t i = 0; i < n; i++) count += (c->swap ? LOADS(p + i * s) : LOADN(p + i * s)) != 0; \
      } else {                                                                                  \
        for (int64_t i = 0; i < n; i++) {                                                       \
          W v = (W)(c->swap ? LOADS(p + i * s) : LOADN(p + i * s));                             \
          if (first) {                                                                          \
            best = v;                                                                           \
            first = 0;                                                                          \
          } else if (c->op == OP_MIN ? v < best : v > best) {                                   \
            best = v;                                                                           \
          }                                                                                     \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
    if (c->op == OP_SUM) PUT(c->out, (W)sum);                                                   \
    else if (c->op == OP_NONZERO) put_i64(c->out, count);                                       \
    else PUT(c->out, best);                                                                     \
    return SK_OK;                                                                               \
  }

static inline int64_t ld_bool(const char *p) { return ld_b(p) != 0; }
SK_INT_REDUCE(red_bool, ld_bool, ld_bool, int64_t, put_i64)
SK_INT_REDUCE(red_i8, ld_i8, lds_i8, int64_t, put_i64)
SK_INT_REDUCE(red_u8, ld_u8, lds_u8, uint64_t, put_u64)
SK_INT_REDUCE(red_i16, ld_i16, lds_i16, int64_t, put_i64)
SK_INT_REDUCE(red_u16, ld_u16, lds_u16, uint64_t, put_u64)
SK_INT_REDUCE(red_i32, ld_i32, lds_i32, int64_t, put_i64)
SK_INT_REDUCE(red_u32, ld_u32, lds_u32, uint64_t, put_u64)
SK_INT_REDUCE(red_i64, ld_i64, lds_i64, int64_t, put_i64)
SK_INT_REDUCE(red_u64, ld_u64, lds_u64, uint64_t, put_u64)

/* Real floats: min/max/counts share one loop; sums use pairwise per run. */
#define SK_FLOAT_REDUCE(FN, T, LOADN, LOADS, PWN, PWC, PWS, CONTIG_STRIDE, SUMFINISH)           \
  static int32_t FN(sk_reduce_ctx *c) {                                                         \
    const sk_iter *it = &c->it;                                                                 \
    if ((c->op == OP_MIN || c->op == OP_MAX) && it->size == 0) return SK_E_EMPTY;               \
    if (c->op == OP_SUM) {                                                                      \
      T acc = 0;                                                                                \
      SK_FOR_RUNS(it, p, n, s) {                                                                \
        T r = c->swap ? PWS(p, n, s) : (s == (CONTIG_STRIDE) ? PWC(p, n, s) : PWN(p, n, s));   \
        acc = SUMFINISH(acc + r);                                                               \
      }                                                                                         \
      put_f64(c->out, (double)acc);                                                             \
      return SK_OK;                                                                             \
    }                                                                                           \
    int64_t count = 0;                                                                          \
    int first = 1, nan = 0;                                                                     \
    T best = 0, nanv = 0;                                                                       \
    SK_FOR_RUNS(it, p, n, s) {                                                                  \
      for (int64_t i = 0; i < n; i++) {                                                         \
        T v = c->swap ? LOADS(p + i * s) : LOADN(p + i * s);                                    \
        if (c->op == OP_NAN) {                                                                  \
          count += v != v;                                                                      \
        } else if (c->op == OP_NONZERO) {                                                       \
          count += v != 0;                                                                      \
        } else if (v != v) {                                                                    \
          if (!nan) nanv = v;                                                                   \
          nan = 1;                                                                              \
        } else if (first) {                                                                     \
          best = v;                                                                             \
          first = 0;                                                                            \
        } else if (c->op == OP_MIN ? v < best : v > best) {                                     \
          best = v;                                                                             \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
    if (c->op == OP_NAN || c->op == OP_NONZERO) put_i64(c->out, count);                         \
    else put_f64(c->out, (double)(nan ? nanv : best));                                          \
    return SK_OK;                                                                               \
  }

static inline float sk_round_half(float f) { return sk_half_to_float(sk_float_to_half(f)); }
#define SK_ID(x) (x)
SK_FLOAT_REDUCE(red_f64, double, ld_f64, lds_f64, pw_f64, pw_f64c, pw_f64s, 8, SK_ID)
SK_FLOAT_REDUCE(red_f32, float, ld_f32, lds_f32, pw_f32, pw_f32c, pw_f32s, 4, SK_ID)
SK_FLOAT_REDUCE(red_f16, float, ld_f16, lds_f16, pw_f16, pw_f16, pw_f16s, 2, sk_round_half)

#define SK_COMPLEX_REDUCE(FN, T, LOADN, LOADS, CPWN, CPWS, H)                                   \
  static int32_t FN(sk_reduce_ctx *c) {                                                         \
    const sk_iter *it = &c->it;                                                                 \
    if ((c->op == OP_MIN || c->op == OP_MAX) && it->size == 0) return SK_E_EMPTY;               \
    if (c->op == OP_SUM) {                                                                      \
      T ar = 0, ai = 0;                                                                         \
      SK_FOR_RUNS(it, p, n, s) {                                                                \
        T rr, ri;                                                                               \
        if (c->swap) CPWS(p, n, s, &rr, &ri);                                                   \
        else CPWN(p, n, s, &rr, &ri);                                                           \
        ar += rr;                                                                               \
        ai += ri;                                                                               \
      }                                                                                         \
      put_f64(c->out, (double)ar);                                                              \
      put_f64(c->out + 8, (double)ai);                                                          \
      return SK_OK;                                                                             \
    }                                                                                           \
    int64_t count = 0;                                                                          \
    int first = 1, nan = 0;                                                                     \
    T br = 0, bi = 0;                                                                           \
    SK_FOR_RUNS(it, p, n, s) {                                                                  \
      for (int64_t i = 0; i < n; i++) {                                                         \
        const char *q = p + i * s;                                                              \
        T vr = c->swap ? LOADS(q) : LOADN(q);                                                   \
        T vi = c->swap ? LOADS(q + (H)) : LOADN(q + (H));                                       \
        int isnan_ = vr != vr || vi != vi;                                                      \
        if (c->op == OP_NAN) {                                                                  \
          count += isnan_;                                                                      \
        } else if (c->op == OP_NONZERO) {                                                       \
          count += vr != 0 || vi != 0;                                                          \
        } else if (nan) {                                                                       \
        } else if (isnan_) {                                                                    \
          nan = 1;                                                                              \
          br = vr;                                                                              \
          bi = vi;                                                                              \
        } else if (first) {                                                                     \
          br = vr;                                                                              \
          bi = vi;                                                                              \
          first = 0;                                                                            \
        } else if (c->op == OP_MIN ? (vr < br || (vr == br && vi < bi))                         \
                                   : (vr > br || (vr == br && vi > bi))) {                      \
          br = vr;                                                                              \
          bi = vi;                                                                              \
        }                                                                                       \
      }                                                                                         \
    }                                                                                           \
    if (c->op == OP_NAN || c->op == OP_NONZERO) {                                               \
      put_i64(c->out, count);                                                                   \
    } else {                                                                                    \
      put_f64(c->out, (double)br);                                                              \
      put_f64(c->out + 8, (double)bi);                                                          \
    }                                                                                           \
    return SK_OK;                                                                               \
  }

SK_COMPLEX_REDUCE(red_c128, double, ld_f64, lds_f64, cpw_c128, cpw_c128s, 8)
SK_COMPLEX_REDUCE(red_c64, float, ld_f32, lds_f32, cpw_c64, cpw_c64s, 4)

static int32_t sk_reduce_body(void *ctx) {
  sk_reduce_ctx *c = (sk_reduce_ctx *)ctx;
  switch (c->dtype) {
    case SK_BOOL: return red_bool(c);
    case SK_INT8: return red_i8(c);
    case SK_UINT8: return red_u8(c);
    case SK_INT16: return red_i16(c);
    case SK_UINT16: return red_u16(c);
    case SK_INT32: return red_i32(c);
    case SK_UINT32: return red_u32(c);
    case SK_INT64: return red_i64(c);
    case SK_UINT64: return red_u64(c);
    case SK_FLOAT16: return red_f16(c);
    case SK_FLOAT32: return red_f32(c);
    case SK_FLOAT64: return red_f64(c);
    case SK_COMPLEX64: return red_c64(c);
    case SK_COMPLEX128: return red_c128(c);
    default: return SK_E_ARG;
  }
}

static int32_t sk_reduce(int op, const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out) {
  sk_reduce_ctx c;
  if (!out || dtype < SK_BOOL || dtype > SK_COMPLEX128) return SK_E_ARG;
  int r = sk_prepare(&c.it, data, ndim, shape, strides, SK_MEMORY);
  if (r != SK_OK) return r;
  if (c.it.size > 0 && !data) return SK_E_ARG;
  c.dtype = dtype;
  c.swap = byteswap != 0;
  c.op = op;
  memset(c.out, 0, sizeof c.out);
  r = sk_guarded(sk_reduce_body, &c);
  if (r != SK_OK) return r;
  memcpy(out, c.out, (op == OP_NAN || op == OP_NONZERO) ? 8 : 16);
  return SK_OK;
}

SK_EXPORT int32_t sk_version(void) { return SK_API_VERSION; }

SK_EXPORT int32_t sk_sum(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out) {
  return sk_reduce(OP_SUM, data, ndim, shape, strides, dtype, byteswap, out);
}
SK_EXPORT int32_t sk_min(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out) {
  return sk_reduce(OP_MIN, data, ndim, shape, strides, dtype, byteswap, out);
}
SK_EXPORT int32_t sk_max(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                         int32_t dtype, int32_t byteswap, void *out) {
  return sk_reduce(OP_MAX, data, ndim, shape, strides, dtype, byteswap, out);
}
SK_EXPORT int32_t sk_count_nan(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                               int32_t dtype, int32_t byteswap, int64_t *out) {
  return sk_reduce(OP_NAN, data, ndim, shape, strides, dtype, byteswap, out);
}
SK_EXPORT int32_t sk_count_nonzero(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides,
                                   int32_t dtype, int32_t byteswap, int64_t *out) {
  return sk_reduce(OP_NONZERO, data, ndim, shape, strides, dtype, byteswap, out);
}

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
