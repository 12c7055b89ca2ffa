#include <stdint.h>
#include <immintrin.h>

/// The scan behind `DescriptorBlocks.nearestTwo`: one query descriptor (4 words) against `blockCount`
/// blocks of 8 descriptors (block k's 4 rows of 8 words at rows + 32k), each lane keeping its
/// nearest distance, the block it was first found in and its runner-up's distance. Lanes of the last
/// block at `usedInLastBlock` and beyond are padding and count as 2⁶⁴ − 1 apart.
///
/// In C because the fast form needs a byte shuffle, which Swift's SIMD types do not offer: the
/// bit counts of the four XORed rows are taken per byte (a 16-entry table looked up with
/// `vpshufb`), added as bytes and summed per 64-bit lane once (`vpsadbw`); Swift's
/// `SIMD8<UInt64>.nonzeroBitCount` sums every row on its own.

/// With AVX-512BW: eight descriptors per step, in one register per row.
__attribute__((target("avx512f,avx512bw")))
static inline void hammingScanAVX512BW(
    const uint64_t *rows, long blockCount, long usedInLastBlock, const uint64_t *query,
    uint64_t *lowest, uint64_t *second, uint64_t *lowestBlock)
{
    const __m512i q0 = _mm512_set1_epi64((long long)query[0]), q1 = _mm512_set1_epi64((long long)query[1]);
    const __m512i q2 = _mm512_set1_epi64((long long)query[2]), q3 = _mm512_set1_epi64((long long)query[3]);
    const __m512i table = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4));
    const __m512i nibble = _mm512_set1_epi8(0x0f), far = _mm512_set1_epi64(-1), zero = _mm512_setzero_si512();
    const __mmask8 padding = (__mmask8)(0xff << usedInLastBlock);
    __m512i low = far, runnerUp = far, block = zero;
#define BYTE_COUNTS(x) _mm512_add_epi8(_mm512_shuffle_epi8(table, _mm512_and_si512((x), nibble)), \
                                      _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16((x), 4), nibble)))
    for (long k = 0; k < blockCount; k++) {
        const uint64_t *row = rows + 32 * k;
        __m512i counts = BYTE_COUNTS(_mm512_xor_si512(_mm512_loadu_si512(row), q0));
        counts = _mm512_add_epi8(counts, BYTE_COUNTS(_mm512_xor_si512(_mm512_loadu_si512(row + 8), q1)));
        counts = _mm512_add_epi8(counts, BYTE_COUNTS(_mm512_xor_si512(_mm512_loadu_si512(row + 16), q2)));
        counts = _mm512_add_epi8(counts, BYTE_COUNTS(_mm512_xor_si512(_mm512_loadu_si512(row + 24), q3)));
        __m512i distance = _mm512_sad_epu8(counts, zero);
        if (k == blockCount - 1) distance = _mm512_mask_mov_epi64(distance, padding, far);
        runnerUp = _mm512_min_epu64(runnerUp, _mm512_max_epu64(low, distance));
        block = _mm512_mask_mov_epi64(block, _mm512_cmplt_epu64_mask(distance, low), _mm512_set1_epi64(k));
        low = _mm512_min_epu64(low, distance);
    }
#undef BYTE_COUNTS
    _mm512_storeu_si512(lowest, low);
    _mm512_storeu_si512(second, runnerUp);
    _mm512_storeu_si512(lowestBlock, block);
}

/// With AVX2: the same eight descriptors per step in two registers per row (lanes 0–3, 4–7). AVX2
/// has no 64-bit minimum, but distances fit in a lane's low half (the high half stays 0), so the
/// 32-bit one serves, with 2³¹ − 1 as "far".
__attribute__((target("avx2")))
static inline void hammingScanAVX2(
    const uint64_t *rows, long blockCount, long usedInLastBlock, const uint64_t *query,
    uint64_t *lowest, uint64_t *second, uint64_t *lowestBlock)
{
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i nibble = _mm256_set1_epi8(0x0f), far = _mm256_set1_epi64x(0x7fffffff), zero = _mm256_setzero_si256();
    const __m256i used = _mm256_set1_epi64x(usedInLastBlock);
    const __m256i laneIndex[2] = {_mm256_setr_epi64x(0, 1, 2, 3), _mm256_setr_epi64x(4, 5, 6, 7)};
    __m256i q[4];
    for (int word = 0; word < 4; word++) q[word] = _mm256_set1_epi64x((long long)query[word]);
    __m256i low[2] = {far, far}, runnerUp[2] = {far, far}, block[2] = {zero, zero};
    for (long k = 0; k < blockCount; k++) {
        const uint64_t *row = rows + 32 * k;
        for (int half = 0; half < 2; half++) {
            __m256i counts = zero;
            for (int word = 0; word < 4; word++) {
                const __m256i bits = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(row + 8 * word + 4 * half)), q[word]);
                const __m256i lowCounts = _mm256_shuffle_epi8(table, _mm256_and_si256(bits, nibble));
                const __m256i highCounts = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(bits, 4), nibble));
                counts = _mm256_add_epi8(counts, _mm256_add_epi8(lowCounts, highCounts));
            }
            __m256i distance = _mm256_sad_epu8(counts, zero);
            if (k == blockCount - 1) distance = _mm256_blendv_epi8(far, distance, _mm256_cmpgt_epi64(used, laneIndex[half]));
            runnerUp[half] = _mm256_min_epu32(runnerUp[half], _mm256_max_epu32(low[half], distance));
            block[half] = _mm256_blendv_epi8(block[half], _mm256_set1_epi64x(k), _mm256_cmpgt_epi64(low[half], distance));
            low[half] = _mm256_min_epu32(low[half], distance);
        }
    }
    for (int half = 0; half < 2; half++) {
        _mm256_storeu_si256((__m256i *)(lowest + 4 * half), low[half]);
        _mm256_storeu_si256((__m256i *)(second + 4 * half), runnerUp[half]);
        _mm256_storeu_si256((__m256i *)(lowestBlock + 4 * half), block[half]);
    }
}

/// The same on any CPU, one descriptor at a time.
static inline void hammingScanPortable(
    const uint64_t *rows, long blockCount, long usedInLastBlock, const uint64_t *query,
    uint64_t *lowest, uint64_t *second, uint64_t *lowestBlock)
{
    for (int lane = 0; lane < 8; lane++) {
        lowest[lane] = UINT64_MAX;
        second[lane] = UINT64_MAX;
        lowestBlock[lane] = 0;
    }
    for (long k = 0; k < blockCount; k++) {
        const uint64_t *row = rows + 32 * k;
        for (int lane = 0; lane < 8; lane++) {
            uint64_t distance = (uint64_t)(__builtin_popcountll(row[lane] ^ query[0]) + __builtin_popcountll(row[8 + lane] ^ query[1])
                + __builtin_popcountll(row[16 + lane] ^ query[2]) + __builtin_popcountll(row[24 + lane] ^ query[3]));
            if (k == blockCount - 1 && lane >= usedInLastBlock) distance = UINT64_MAX;
            uint64_t larger = distance > lowest[lane] ? distance : lowest[lane];
            if (larger < second[lane]) second[lane] = larger;
            if (distance < lowest[lane]) {
                lowest[lane] = distance;
                lowestBlock[lane] = (uint64_t)k;
            }
        }
    }
}

/// Whether this CPU runs `hammingScanAVX512BW`.
static inline int hammingScanHasAVX512BW(void) {
    return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512f");
}

/// Whether this CPU runs `hammingScanAVX2`.
static inline int hammingScanHasAVX2(void) {
    return __builtin_cpu_supports("avx2");
}
