#include <xmmintrin.h>
#include <pmmintrin.h>

/// Sets flush-to-zero and denormals-are-zero for SSE/AVX arithmetic on the calling thread, and
/// returns the control state it replaced (for `restoreFloatControl` on a thread that does other work).
/// Denormal floats make x86 FMAs take a microcode assist (~100 cycles each); a CNN's activations and
/// products reach that range without it mattering to the result, so inference turns them off.
static inline unsigned int flushDenormalsToZero(void) {
    unsigned int previous = _mm_getcsr();
    _mm_setcsr(previous | _MM_FLUSH_ZERO_ON | _MM_DENORMALS_ZERO_ON);
    return previous;
}

/// Puts back a control state `flushDenormalsToZero` returned.
static inline void restoreFloatControl(unsigned int state) {
    _mm_setcsr(state);
}
