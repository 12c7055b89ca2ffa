import CCPUFeatures

/// What the kernels' register blocking is chosen for: the 1×1 blocks (`PackedMatrixKernel`), the
/// depthwise rows and the stem each keep more accumulators in registers where the CPU has more.
enum VectorRegisters {
    /// Whether this CPU has the 32 vector registers of AVX-512, else AVX2's 16. The binary is built
    /// for the CPU it runs on (`-target-cpu native` unless `IMAGESEARCH_TARGET_CPU` says otherwise).
    static let areWide = cpuHasAVX512F() != 0
}
