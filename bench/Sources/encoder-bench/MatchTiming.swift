import ArgumentParser
import Encoder
import Foundation
import Imaging
import LocalFeatures

struct MatchTiming: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: """
            Median milliseconds of a verified search's matching: the query's local features (as they are \
            and mirrored) against each candidate's, as the daemon checks its nearest candidates; on one \
            core, and on all cores as the daemon runs it. Also the inliers found, to check a change keeps them.
            """)

    @Argument(help: "The query image.") var query: String
    @Argument(help: "Candidate images (the daemon checks 40).") var candidates: [String]
    @Option(help: "Model name or package directory (its preprocessing is used).") var model = ModelLocator.defaultModelName
    @Option(help: "Timed runs after warm-up.") var runs = 20

    func run() async throws {
        let package = try ModelPackage(directory: try ModelLocator.locate(model))
        let preprocessor = Preprocessor(package.manifest.preprocessing.with(mode: .wholeImage))
        let extractor = LocalFeatureExtractor()
        func features(_ path: String) throws -> StoredLocalFeatures {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return extractor.featuresAsIsAndMirrored(of: try data.withUnsafeBytes { try preprocessor.decoded(from: $0) })
        }
        let found = try features(query)
        let querySets = [found.asIs, found.mirrored]
        let stored = try candidates.map { try features($0) }
        let serialized: [Data?] = stored.map { $0.serialized() }
        let verifier = GeometricVerifier()
        let oneCore = MedianTiming.milliseconds(runs: runs) {
            for candidate in stored { _ = verifier.match(query: found.asIs, candidate: candidate.asIs) }
        }
        let allCores = MedianTiming.milliseconds(runs: runs) { _ = verifier.matches(query: querySets, stored: serialized) }
        let result: [String: Any] = [
            "candidates": stored.count, "one_core_ms": oneCore, "all_cores_ms": allCores,
            "inliers": verifier.matches(query: querySets, stored: serialized).map { $0?.inliers ?? 0 },
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
    }
}
