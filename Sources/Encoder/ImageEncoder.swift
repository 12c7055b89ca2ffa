import CFloatControl
import COpenBLAS
import Dispatch
import Foundation
import Imaging

/// Turns images into embeddings with a loaded model and an `EmbeddingRecipe`, on a fixed number of
/// threads.
///
/// Work is split across images: each thread decodes and runs whole images with its own reusable
/// workspace, so threads never wait on each other mid-network. A lone image (a search's query) has
/// its layers split over the threads instead (`LayerSplit`).
public final class ImageEncoder: Sendable {
    public let manifest: ModelManifest
    public let network: ConvolutionalNetwork
    public let threads: Int
    public let limits: DecodingLimits
    public let recipe: EmbeddingRecipe
    /// The manifest's preprocessing in the recipe's framing.
    public let preprocessing: Preprocessing
    private let workspaces: WorkspacePool

    /// Images one thread runs through the network together: enough that the late layers read each
    /// weight panel once for several images, few enough that their activations stay in cache.
    static let imagesPerPass = 8

    public init(package: ModelPackage, threads: Int = 1, limits: DecodingLimits = .init(), recipe: EmbeddingRecipe = .reference) throws {
        guard let architecture = NetworkArchitecture.named(package.manifest.architecture) else {
            throw ModelError(.unsupportedArchitecture, "unknown architecture \(package.manifest.architecture)")
        }
        manifest = package.manifest
        network = try ConvolutionalNetwork(
            architecture: architecture, tensors: package.tensors, batchNormEpsilon: package.manifest.batchNormEpsilon)
        guard package.manifest.embeddingDimension == network.featureCount else {
            throw ModelError(
                .invalidManifest,
                "\(package.directory.path)/\(ModelManifest.fileName) gives embeddingDimension \(package.manifest.embeddingDimension), but its \(architecture.name) network computes \(network.featureCount) features: convert the model again (imagesearch-model)")
        }
        self.threads = max(1, threads)
        self.limits = limits
        self.recipe = recipe
        preprocessing = recipe.preprocessing(from: package.manifest.preprocessing)
        workspaces = WorkspacePool { [network, threads = self.threads] in network.makeWorkspace(images: Self.imagesPerPass, parts: threads) }
        openblas_set_num_threads(1)
    }

    public convenience init(modelDirectory: URL, threads: Int = 1, limits: DecodingLimits = .init(), recipe: EmbeddingRecipe = .reference) throws {
        try self.init(package: try ModelPackage(directory: modelDirectory), threads: threads, limits: limits, recipe: recipe)
    }

    public var dimension: Int { network.featureCount }

    /// Number of floats in one network input (`size × size × 3`, NHWC).
    public var inputCount: Int { manifest.preprocessing.size * manifest.preprocessing.size * 3 }

    /// Embeddings for encoded images (JPEG, PNG or WebP bytes). Each image succeeds or fails on its
    /// own. Each decoded image is also handed to `inspect` with its index, on the encoding thread, so
    /// that other work on the pixels (local features) shares the decoding.
    public func embed(_ images: [Data], inspect: (@Sendable (Int, RGBImage) -> Void)? = nil) -> [Result<[Float], ImagingError>] {
        let preprocessor = Preprocessor(preprocessing, limits: limits)
        return run(count: images.count) { index, destination in
            let decoded = try images[index].withUnsafeBytes { try preprocessor.decoded(from: $0) }
            inspect?(index, decoded)
            preprocessor.normalize(networkInput(decoded, preprocessor), into: destination)
        }
    }

    /// One encoded image decoded, turned upright, straightened, resized to the network's input side
    /// and low-passed as the recipe says, ready for `embed(_:orientations:)`: a search embeds views of
    /// it in stages and decodes once. The decoded image is handed to `inspect` first.
    public func networkImage(of image: Data, inspect: ((RGBImage) -> Void)? = nil) -> Result<RGBImage, ImagingError> {
        let preprocessor = Preprocessor(preprocessing, limits: limits)
        do {
            let decoded = try image.withUnsafeBytes { try preprocessor.decoded(from: $0) }
            inspect?(decoded)
            return .success(networkInput(decoded, preprocessor))
        } catch {
            return .failure(error as? ImagingError ?? ImagingError(.corrupt, "\(error)"))
        }
    }

    /// What the network sees of a `decoded` image: straightened, framed and resized by
    /// `preprocessor`, low-passed, as the recipe says.
    private func networkInput(_ decoded: RGBImage, _ preprocessor: Preprocessor) -> RGBImage {
        let straightened = recipe.straightensTurnedPhotos ? TurnedPhoto.straightened(decoded) ?? decoded : decoded
        let resized = preprocessor.resized(straightened)
        guard let lowPass = recipe.lowPass else { return resized }
        return GaussianBlur.blurred(resized, sigma: lowPass * Double(resized.width))
    }

    /// Embeddings of a `networkImage(of:)` seen in each of `orientations` (quarter turns and
    /// mirrorings). The turns apply to the square network input, which is the same as turning the
    /// photo first: a centre crop is square, and the whole frame has each axis resized to the side.
    public func embed(_ networkImage: RGBImage, orientations: [ExifOrientation]) -> [[Float]] {
        let preprocessor = Preprocessor(preprocessing, limits: limits)
        return run(count: orientations.count) { index, destination in
            preprocessor.normalize(orientations[index].apply(to: networkImage), into: destination)
        }.map { try! $0.get() }
    }

    /// Embeddings for network inputs that are already preprocessed, each `inputCount` floats.
    public func features(for inputs: [[Float]]) -> [[Float]] {
        precondition(inputs.allSatisfy { $0.count == inputCount }, "each input must hold \(inputCount) floats")
        return run(count: inputs.count) { index, destination in
            inputs[index].withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: inputCount) }
        }.map { try! $0.get() }
    }

    /// Runs `count` images in passes spread over the threads (a lone image's layers split over them
    /// instead); `load` writes image `index`'s network input, or throws to fail that image alone.
    private func run(
        count: Int, load: @Sendable (Int, UnsafeMutablePointer<Float>) throws -> Void
    ) -> [Result<[Float], ImagingError>] {
        let results = ResultSlots<Result<[Float], ImagingError>>(count: count)
        let passes = Self.passes(count: count, threads: threads)
        let workers = min(threads, passes.count)
        let split = workers == 1 ? LayerSplit(parts: threads) : .serial
        @Sendable func runPasses(worker: Int) {
            let saved = flushDenormalsToZero()
            let workspace = self.workspaces.checkOut()
            defer {
                self.workspaces.checkIn(workspace)
                restoreFloatControl(saved)
            }
            for pass in stride(from: worker, to: passes.count, by: workers) {
                self.runPass(passes[pass], load: load, workspace: workspace, split: split, results: results)
            }
        }
        if workers == 1 {
            runPasses(worker: 0)
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { runPasses(worker: $0) }
        }
        return results.values
    }

    private func runPass(
        _ range: Range<Int>, load: (Int, UnsafeMutablePointer<Float>) throws -> Void,
        workspace: InferenceWorkspace, split: LayerSplit, results: ResultSlots<Result<[Float], ImagingError>>
    ) {
        var loaded: [Int] = []
        for index in range {
            do {
                try load(index, workspace.input.pointer + loaded.count * inputCount)
                loaded.append(index)
            } catch let error as ImagingError {
                results[index] = .failure(error)
            } catch {
                results[index] = .failure(ImagingError(.corrupt, "\(error)"))
            }
        }
        guard !loaded.isEmpty else { return }
        network.computeFeatures(workspace.input.pointer, images: loaded.count, pooling: recipe.pooling, workspace: workspace, split: split)
        for (slot, index) in loaded.enumerated() {
            let vector = Array(UnsafeBufferPointer(start: workspace.features.pointer + slot * dimension, count: dimension))
            results[index] = .success(recipe.normalizesLength ? Self.lengthOne(vector) : vector)
        }
    }

    /// `vector` divided by its length (unchanged when all zero).
    private static func lengthOne(_ vector: [Float]) -> [Float] {
        let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return length > 0 ? vector.map { $0 / length } : vector
    }

    /// Splits `count` images into passes of at most `imagesPerPass`, at least one per thread when there
    /// are enough images, as even as possible.
    static func passes(count: Int, threads: Int) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let passCount = max(min(threads, count), (count + imagesPerPass - 1) / imagesPerPass)
        return (0..<passCount).map { pass in (pass * count / passCount)..<((pass + 1) * count / passCount) }
    }
}
