#include <stdbool.h>
#include <stdint.h>
#include <immintrin.h>

/// The FLAT index's half-precision scan (`FlatIndex`): its rows kept a second time as 16-bit floats,
/// half the bytes for a scan that memory bandwidth bounds. In C because converting half-precision
/// floats takes F16C instructions, which Swift's `Float16` does not use on a baseline x86-64 build.

/// Whether this CPU has what the functions below need (AVX2, FMA and F16C).
static inline bool halfPrecisionIsAvailable(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

/// Writes `source[i] · scale` as half-precision floats (rounded to nearest), `count` of them.
__attribute__((target("avx2,f16c")))
static inline void halfPrecisionStore(const float *source, float scale, uint16_t *destination, long count) {
    const __m256 factor = _mm256_set1_ps(scale);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m128i halves = _mm256_cvtps_ph(_mm256_mul_ps(_mm256_loadu_ps(source + i), factor), _MM_FROUND_TO_NEAREST_INT);
        _mm_storeu_si128((__m128i *)(destination + i), halves);
    }
    for (; i < count; i++) {
        destination[i] = _cvtss_sh(source[i] * scale, _MM_FROUND_TO_NEAREST_INT);
    }
}

/// Σ query[i] · halves[i] over `count` elements, the halves widened to single precision.
__attribute__((target("avx2,fma,f16c")))
static inline float halfPrecisionDot(const float *query, const uint16_t *halves, long count) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
#define WIDENED(offset) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(halves + i + (offset))))
    long i = 0;
    for (; i + 32 <= count; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(query + i), WIDENED(0), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(query + i + 8), WIDENED(8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(query + i + 16), WIDENED(16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(query + i + 24), WIDENED(24), s3);
    }
    for (; i + 8 <= count; i += 8) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(query + i), WIDENED(0), s0);
    }
#undef WIDENED
    __m256 sum = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_movehdup_ps(half));
    float total = _mm_cvtss_f32(half);
    for (; i < count; i++) {
        total += query[i] * _cvtsh_ss(halves[i]);
    }
    return total;
}
