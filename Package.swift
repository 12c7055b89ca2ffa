// swift-tools-version:6.1
import PackageDescription

/// The numeric kernels are written with `SIMD16<Float>`; they only become AVX-512 (or AVX2) code when the
/// compiler may use those instructions. The default builds for the CPU of the build machine, like
/// `-march=native`; set `IMAGESEARCH_TARGET_CPU` (for example `haswell` or `x86-64`) for a portable binary.
let targetCPU = Context.environment["IMAGESEARCH_TARGET_CPU"] ?? "native"
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", targetCPU]),
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "imagesearchd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "imagesearch-model", targets: ["imagesearch-model"]),
        .executable(name: "encoder-bench", targets: ["encoder-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CFloatControl"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        .target(
            name: "Imaging",
            dependencies: ["CTurboJPEG", "CPNG", "CWebP"],
            swiftSettings: numericSettings
        ),
        .target(
            name: "Encoder",
            dependencies: ["Imaging", "COpenBLAS", "CFloatControl", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: numericSettings
        ),
        .target(
            name: "ModelImport",
            dependencies: ["Encoder", "Imaging"]
        ),
        .target(name: "SearchBackend"),
        .executableTarget(
            name: "imagesearch-model",
            dependencies: ["ModelImport", "Encoder", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "encoder-bench",
            dependencies: ["Encoder", "Imaging", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "bench/Sources/encoder-bench"
        ),

        .target(
            name: "TestSupport", dependencies: ["Imaging", "Encoder", "ModelImport", "CTurboJPEG", "CPNG", "CWebP"],
            path: "Tests/TestSupport", exclude: ["Fixtures"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"]),
        .testTarget(name: "EncoderTests", dependencies: ["Encoder", "Imaging", "TestSupport"]),
        .testTarget(name: "ModelImportTests", dependencies: ["ModelImport", "Encoder", "TestSupport"]),
    ]
)
