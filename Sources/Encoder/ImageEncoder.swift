import CFloatControl
import COpenBLAS
import Dispatch
import Foundation

/// Turns preprocessed images into embeddings with a loaded model, on a fixed number of threads.
///
/// Work is split across images: each thread runs whole images with its own reusable workspace, and
/// OpenBLAS runs single-threaded inside it, so threads never wait on each other mid-network.
public final class ImageEncoder: Sendable {
    public let manifest: ModelManifest
    public let network: ConvolutionalNetwork
    public let threads: Int
    private let workspaces: WorkspacePool

    public init(package: ModelPackage, threads: Int = 1) throws {
        guard let architecture = NetworkArchitecture.named(package.manifest.architecture) else {
            throw ModelError(.unsupportedArchitecture, "unknown architecture \(package.manifest.architecture)")
        }
        manifest = package.manifest
        network = try ConvolutionalNetwork(
            architecture: architecture, tensors: package.tensors, batchNormEpsilon: package.manifest.batchNormEpsilon)
        self.threads = max(1, threads)
        workspaces = WorkspacePool { [network] in network.makeWorkspace(images: Self.imagesPerPass) }
        openblas_set_num_threads(1)
    }

    public convenience init(modelDirectory: URL, threads: Int = 1) throws {
        try self.init(package: try ModelPackage(directory: modelDirectory), threads: threads)
    }

    public var dimension: Int { network.featureCount }

    /// Images one thread runs through the network together: enough that the late layers read each
    /// weight panel once for several images, few enough that their activations stay in cache.
    static let imagesPerPass = 8

    /// Number of floats in one network input (`size × size × 3`, NHWC).
    public var inputCount: Int { manifest.preprocessing.size * manifest.preprocessing.size * 3 }

    private func run(_ inputs: [[Float]], range: Range<Int>, workspace: InferenceWorkspace, results: ResultSlots<[Float]>) {
        let batch = workspace.input.pointer
        for (slot, index) in range.enumerated() {
            inputs[index].withUnsafeBufferPointer { (batch + slot * inputCount).update(from: $0.baseAddress!, count: inputCount) }
        }
        network.computeFeatures(batch, images: range.count, workspace: workspace)
        for (slot, index) in range.enumerated() {
            results[index] = Array(UnsafeBufferPointer(start: workspace.features.pointer + slot * dimension, count: dimension))
        }
    }

    /// Splits `count` images into passes of at most `imagesPerPass`, at least one per thread when there
    /// are enough images, as even as possible.
    static func passes(count: Int, threads: Int) -> [Range<Int>] {
        let passCount = max(min(threads, count), (count + imagesPerPass - 1) / imagesPerPass)
        return (0..<passCount).map { pass in (pass * count / passCount)..<((pass + 1) * count / passCount) }
    }

    /// Embeddings for a batch of network inputs, each `inputCount` floats (NHWC, normalised).
    public func features(for inputs: [[Float]]) -> [[Float]] {
        precondition(inputs.allSatisfy { $0.count == inputCount }, "each input must hold \(inputCount) floats")
        let results = ResultSlots<[Float]>(count: inputs.count)
        let passes = Self.passes(count: inputs.count, threads: threads)
        let workers = min(threads, passes.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            flushDenormalsToZero()
            let workspace = workspaces.checkOut()
            defer { workspaces.checkIn(workspace) }
            for pass in stride(from: worker, to: passes.count, by: workers) {
                run(inputs, range: passes[pass], workspace: workspace, results: results)
            }
        }
        return results.values
    }
}
