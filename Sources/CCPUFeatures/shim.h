/// Whether the CPU running this has AVX-512F, and with it 32 vector registers rather than 16: the
/// matrix kernels' block shapes are chosen by how many accumulators fit (`PackedMatrixKernel`).
/// Swift has no test of CPU features of its own.
static inline int cpuHasAVX512F(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}
