import Foundation
import Imaging
import LocalFeatures
import Testing
import TestSupport

/// Verification must tell an edited copy of a photo (many inliers) from a different photo (few):
/// the threshold the engine uses sits between the two.
@Suite struct GeometricVerificationTests {
    let extractor = LocalFeatureExtractor()
    let verifier = GeometricVerifier()
    static let sameImageFloor = 2 * GeometricVerifier.verifiedInliers
    static let otherImageCeiling = GeometricVerifier.verifiedInliers

    static let edits: [(String, @Sendable (RGBImage) -> RGBImage)] = [
        ("rotated 20°", { $0.rotated(degrees: 20) }),
        ("rotated 90°", { ExifOrientation.rotatedClockwise.apply(to: $0) }),
        ("cropped to 60%", { $0.centerCropped(keeping: 0.6) }),
        ("downscaled to 25%", { $0.resized(width: $0.width / 4, height: $0.height / 4, filter: .bilinear) }),
        ("enlarged 5×", { $0.resized(width: $0.width * 5, height: $0.height * 5, filter: .bilinear) }),
        ("JPEG quality 10", { image in TestImages.jpeg(image, quality: 10).withUnsafeBytes { try! ImageDecoder.decode($0) } }),
    ]

    @Test(arguments: Fixtures.goldenStems)
    func editedCopiesVerify(stem: String) throws {
        let photo = try TestImages.photo(stem)
        let original = extractor.features(of: photo)
        for (edit, apply) in Self.edits {
            let inliers = verifier.inliers(query: extractor.features(of: apply(photo)), candidate: original)
            #expect(inliers >= Self.sameImageFloor, "\(stem) \(edit): \(inliers) inliers")
        }
    }

    @Test(arguments: Fixtures.goldenStems)
    func otherPhotosDoNotVerify(stem: String) throws {
        let query = extractor.features(of: try TestImages.photo(stem))
        for other in Fixtures.goldenStems where other != stem {
            let inliers = verifier.inliers(query: query, candidate: extractor.features(of: try TestImages.photo(other)))
            #expect(inliers < Self.otherImageCeiling, "\(stem) against \(other): \(inliers) inliers")
        }
    }

    @Test(arguments: Fixtures.goldenStems)
    func aMirroredCopyVerifiesThroughTheMirroredFeatures(stem: String) throws {
        let photo = try TestImages.photo(stem)
        let query = extractor.featuresAsIsAndMirrored(of: photo.flippedHorizontally())
        let original = extractor.features(of: photo)
        let mirrored = verifier.inliers(query: query.mirrored, candidate: original)
        #expect(mirrored >= Self.sameImageFloor, "\(stem): \(mirrored) inliers")
    }

    @Test func featureSetsSurviveStorage() throws {
        let features = extractor.featuresAsIsAndMirrored(of: try TestImages.photo("rocket"))
        #expect(features.asIs.count > 100)
        let stored = features.serialized()
        #expect(StoredLocalFeatures(serialized: stored) == features)
        #expect(StoredLocalFeatures(serialized: stored.dropLast()) == nil)
        #expect(StoredLocalFeatures(serialized: Data("not features".utf8)) == nil)
        #expect(StoredLocalFeatures.asIs(serialized: stored) == features.asIs)
        #expect(StoredLocalFeatures.asIs(serialized: stored.dropLast()) == nil)
    }
}
