#include <xmmintrin.h>
#include <pmmintrin.h>

/// Sets flush-to-zero and denormals-are-zero for SSE/AVX arithmetic on the calling thread.
/// Denormal floats make x86 FMAs take a microcode assist (~100 cycles each); a CNN's activations and
/// products reach that range without it mattering to the result, so inference threads turn them off.
static inline void flushDenormalsToZero(void) {
    _mm_setcsr(_mm_getcsr() | _MM_FLUSH_ZERO_ON | _MM_DENORMALS_ZERO_ON);
}
