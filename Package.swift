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

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let grpcCore = Target.Dependency.product(name: "GRPCCore", package: "grpc-swift-2")
let grpcProtobuf = Target.Dependency.product(name: "GRPCProtobuf", package: "grpc-swift-protobuf")
let grpcPosix = Target.Dependency.product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport")
let swiftProtobuf = Target.Dependency.product(name: "SwiftProtobuf", package: "swift-protobuf")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioEmbedded = Target.Dependency.product(name: "NIOEmbedded", package: "swift-nio")

let package = Package(
    name: "imagesearchd",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", exact: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", exact: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CFloatControl"),
        .systemLibrary(name: "CHamming"),
        .systemLibrary(name: "CCPUFeatures"),
        .systemLibrary(name: "CHalfPrecision"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        .target(name: "SeededRandom"),
        .target(name: "Parallelism"),

        // Image in, vector out.
        .target(name: "Imaging", dependencies: ["CTurboJPEG", "CPNG", "CWebP"], swiftSettings: numericSettings),
        .target(
            name: "Encoder",
            dependencies: ["Imaging", "Parallelism", "COpenBLAS", "CFloatControl", "CCPUFeatures", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: numericSettings),
        .target(name: "ModelImport", dependencies: ["Encoder", "Imaging"]),
        .target(name: "LocalFeatures", dependencies: ["Imaging", "SeededRandom", "Parallelism", "CHamming"], swiftSettings: numericSettings),

        // Storage and search behind one protocol.
        .target(name: "SearchBackend"),
        .target(name: "EmbeddedBackend", dependencies: ["SearchBackend", "SeededRandom", "Parallelism", "CSQLite", "CHalfPrecision"], swiftSettings: numericSettings),
        .target(name: "MilvusProtos", dependencies: [grpcCore, grpcProtobuf, swiftProtobuf]),
        .target(name: "MilvusBackend", dependencies: ["SearchBackend", "MilvusProtos", grpcCore, grpcPosix, nioCore, swiftProtobuf]),

        // The service: engine (no transport), protocol types, gRPC layer.
        .target(
            name: "ImageSearchCore",
            dependencies: ["Encoder", "Imaging", "LocalFeatures", "SearchBackend", logging, .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ImageSearchProtos", dependencies: [grpcCore, grpcProtobuf, swiftProtobuf]),
        .target(name: "ImageSearchService", dependencies: ["ImageSearchCore", "ImageSearchProtos", "SearchBackend", grpcCore]),

        .executableTarget(
            name: "imagesearchd",
            dependencies: [
                "ImageSearchService", "ImageSearchCore", "EmbeddedBackend", "MilvusBackend", "SearchBackend", "Encoder", "Imaging",
                argumentParser, logging, grpcCore, grpcPosix,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .executableTarget(name: "isctl", dependencies: ["ImageSearchProtos", "Imaging", grpcCore, grpcPosix, argumentParser]),
        .executableTarget(name: "imagesearch-model", dependencies: ["ModelImport", "Encoder", argumentParser]),
        .executableTarget(
            name: "encoder-bench", dependencies: ["Encoder", "Imaging", "ImageSearchCore", "LocalFeatures", "CTurboJPEG", argumentParser],
            path: "bench/Sources/encoder-bench"),
        .executableTarget(
            name: "service-bench", dependencies: ["EmbeddedBackend", "MilvusBackend", "SearchBackend", "SeededRandom", "Encoder", "ImageSearchCore", argumentParser],
            path: "bench/Sources/service-bench"),

        .target(
            name: "TestSupport", dependencies: ["Imaging", "Encoder", "ModelImport", "SearchBackend", "SeededRandom", "CTurboJPEG", "CPNG", "CWebP"],
            path: "Tests/TestSupport", exclude: ["Fixtures"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"]),
        .testTarget(name: "ParallelismTests", dependencies: ["Parallelism"]),
        .testTarget(name: "LocalFeaturesTests", dependencies: ["LocalFeatures", "Imaging", "TestSupport"]),
        .testTarget(name: "EncoderTests", dependencies: ["Encoder", "Imaging", "TestSupport"]),
        .testTarget(name: "ModelImportTests", dependencies: ["ModelImport", "Encoder", "TestSupport"]),
        .testTarget(name: "EmbeddedBackendTests", dependencies: ["EmbeddedBackend", "SearchBackend", "CSQLite", "TestSupport"]),
        .testTarget(name: "MilvusBackendTests", dependencies: ["MilvusBackend", "SearchBackend", "TestSupport", nioCore, nioEmbedded]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "Imaging"], exclude: ["python"]),
        .testTarget(name: "ImageSearchCoreTests", dependencies: ["ImageSearchCore", "Imaging", "LocalFeatures", "SearchBackend", "TestSupport", logging]),
        .testTarget(
            name: "ImageSearchServiceTests",
            dependencies: [
                "ImageSearchService", "ImageSearchCore", "ImageSearchProtos", "TestSupport", logging, grpcCore,
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
            ]),
    ]
)
