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

/// With AVX2, eight descriptors per step in two registers per row (lanes 0–3, 4–7), tracked as one
/// register of 32-bit keys: a descriptor's distance above its index (distance << 19 | 8k + lane),
/// so that the least key is the nearest descriptor, the first of equals, and one minimum and one
/// maximum per step keep each lane's nearest and runner-up. (Kept apart, the distances and the
/// blocks needed more registers than AVX2 has, and the constants were reloaded at every step.)
#define HAMMING_INDEX_BITS 19

/// The keys of block `row`'s eight descriptors, in the order 0, 4, 1, 5, 2, 6, 3, 7: each half's
/// bit counts per byte, summed per 64-bit lane (`vpsadbw`), shifted to the index bits of its
/// 32-bit half, and joined with the descriptors' indices.
__attribute__((target("avx2")))
static inline __m256i hammingBlockKeysAVX2(
    const uint64_t *row, const __m256i q[4], __m256i table, __m256i nibble, __m256i indices)
{
    __m256i distances[2];
    for (int half = 0; half < 2; half++) {
        __m256i counts = _mm256_setzero_si256();
        for (int word = 0; word < 4; word++) {
            const __m256i bits = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(row + 8 * word + 4 * half)), q[word]);
            const __m256i lowCounts = _mm256_shuffle_epi8(table, _mm256_and_si256(bits, nibble));
            const __m256i highCounts = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(bits, 4), nibble));
            counts = _mm256_add_epi8(counts, _mm256_add_epi8(lowCounts, highCounts));
        }
        distances[half] = _mm256_sad_epu8(counts, _mm256_setzero_si256());
    }
    const __m256i keys = _mm256_or_si256(_mm256_slli_epi64(distances[0], HAMMING_INDEX_BITS), _mm256_slli_epi64(distances[1], 32 + HAMMING_INDEX_BITS));
    return _mm256_or_si256(keys, indices);
}

__attribute__((target("avx2")))
static inline void hammingScanAVX2(
    const uint64_t *rows, long blockCount, long usedInLastBlock, const uint64_t *query,
    uint64_t *lowest, uint64_t *second, uint64_t *lowestBlock)
{
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i nibble = _mm256_set1_epi8(0x0f), far = _mm256_set1_epi32(-1), step = _mm256_set1_epi32(8);
    const __m256i lanes = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256i q[4];
    for (int word = 0; word < 4; word++) q[word] = _mm256_set1_epi64x((long long)query[word]);
    __m256i low = far, runnerUp = far, indices = lanes;
    for (long k = 0; k < blockCount - 1; k++) {
        const __m256i keys = hammingBlockKeysAVX2(rows + 32 * k, q, table, nibble, indices);
        runnerUp = _mm256_min_epu32(runnerUp, _mm256_max_epu32(low, keys));
        low = _mm256_min_epu32(low, keys);
        indices = _mm256_add_epi32(indices, step);
    }
    const __m256i padding = _mm256_cmpgt_epi32(lanes, _mm256_set1_epi32((int)usedInLastBlock - 1));
    const __m256i keys = _mm256_or_si256(hammingBlockKeysAVX2(rows + 32 * (blockCount - 1), q, table, nibble, indices), padding);
    runnerUp = _mm256_min_epu32(runnerUp, _mm256_max_epu32(low, keys));
    low = _mm256_min_epu32(low, keys);
    uint32_t lowKeys[8], runnerUpKeys[8];
    _mm256_storeu_si256((__m256i *)lowKeys, low);
    _mm256_storeu_si256((__m256i *)runnerUpKeys, runnerUp);
    for (int position = 0; position < 8; position++) {
        const int lane = position % 2 == 0 ? position / 2 : 4 + position / 2;
        lowest[lane] = lowKeys[position] >> HAMMING_INDEX_BITS;
        second[lane] = runnerUpKeys[position] >> HAMMING_INDEX_BITS;
        lowestBlock[lane] = (lowKeys[position] & ((1u << HAMMING_INDEX_BITS) - 1)) / 8;
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
