import Foundation
import Imaging
import Testing
import TestSupport

/// Photos turned inside a grown frame of one colour are found, their turn and size measured, and cut
/// out upright; anything else is left alone.
@Suite struct TurnedPhotoTests {
    /// `image` turned, its corners filled, and recompressed as a copy would be.
    private func turnedCopy(_ image: RGBImage, degrees: Double, fill: (UInt8, UInt8, UInt8) = (128, 128, 128)) throws -> RGBImage {
        try TestImages.jpeg(image.turnedInGrownFrame(degrees: degrees, fill: fill), quality: 95).withUnsafeBytes { try ImageDecoder.decode($0) }
    }

    @Test(arguments: [-30.0, -12, -5, 2, 8, 20, 40])
    func findsTheTurnAndTheSizeOfATurnedPhoto(degrees: Double) throws {
        let photo = try TestImages.photo("chelsea")
        let copy = try turnedCopy(photo, degrees: degrees)
        let found = try #require(TurnedPhoto(in: copy))
        #expect(abs(found.angle * 180 / .pi + degrees) < 0.3, "the turn is clockwise as seen, so the opposite of the edit's")
        #expect(abs(found.width / Double(photo.width) - 1) < 0.015)
        #expect(abs(found.height / Double(photo.height) - 1) < 0.015)
        #expect(abs(found.centerX - Double(copy.width - 1) / 2) < 2)
        #expect(abs(found.centerY - Double(copy.height - 1) / 2) < 2)
    }

    @Test(arguments: [(UInt8(0), UInt8(0), UInt8(0)), (255, 255, 255), (30, 140, 200)])
    func anyFillColourWorks(fill: (UInt8, UInt8, UInt8)) throws {
        let photo = try TestImages.photo("chelsea")
        let found = try #require(TurnedPhoto(in: try turnedCopy(photo, degrees: 15, fill: fill)))
        #expect(abs(found.angle * 180 / .pi + 15) < 0.3)
    }

    /// The photo cut out is the original again, up to two resamplings and a JPEG round trip.
    @Test func theUprightPhotoIsTheOriginal() throws {
        let photo = try TestImages.photo("coffee")
        let copy = try turnedCopy(photo, degrees: -17)
        let upright = try #require(TurnedPhoto(in: copy)).upright(from: copy)
        let original = photo.resized(width: upright.width, height: upright.height, filter: .bilinear)
        let turnedBack = copy.resized(width: upright.width, height: upright.height, filter: .bilinear)
        #expect(meanDifference(upright, original) < 12)
        #expect(meanDifference(turnedBack, original) > 2 * meanDifference(upright, original))
    }

    /// Where the photo's own edge has the fill's colour (the astronaut's black sky in a black fill),
    /// the fill's edges are not straight, and the photo is left as it is rather than cut wrongly.
    @Test func aFillThatRunsIntoThePhotoIsNotTrusted() throws {
        let copy = try turnedCopy(try TestImages.photo("astronaut"), degrees: 15, fill: (0, 0, 0))
        #expect(TurnedPhoto(in: copy) == nil)
    }

    /// A large turned photo is found on a copy of at most 1,024 pixels a side and cut out at that
    /// scale; a large image of one colour throughout is declined.
    @Test func largeImagesAreStraightenedAtAWorkingSize() throws {
        let photo = try TestImages.photo("chelsea")
        let large = photo.resized(width: photo.width * 4, height: photo.height * 4, filter: .bilinear).turnedInGrownFrame(degrees: 9, fill: (255, 255, 255))
        let straightened = try #require(TurnedPhoto.straightened(large))
        #expect(max(straightened.width, straightened.height) <= 1024)
        #expect(abs(Double(straightened.width) / Double(straightened.height) - Double(photo.width) / Double(photo.height)) < 0.03)
        #expect(TurnedPhoto.straightened(RGBImage(width: 3000, height: 2000, pixels: [UInt8](repeating: 255, count: 3000 * 2000 * 3))) == nil)
        #expect(TurnedPhoto.straightened(photo) == nil)
    }

    @Test(arguments: Fixtures.goldenStems)
    func leavesPhotosAsTakenAlone(stem: String) throws {
        #expect(TurnedPhoto(in: try TestImages.photo(stem)) == nil)
    }

    /// A frame of one colour that is not turned (a letterbox), a turned photo cropped to fill its
    /// frame, one colour throughout, noise, and a photo too small to measure.
    @Test func leavesOtherFramesAlone() throws {
        let photo = try TestImages.photo("rocket")
        let letterboxed = photo.padded(by: 40, fill: 255)
        #expect(TurnedPhoto(in: letterboxed) == nil)
        #expect(TurnedPhoto(in: photo.rotated(degrees: 12).centerCropped(keeping: 0.6)) == nil)
        #expect(TurnedPhoto(in: RGBImage(width: 64, height: 48, pixels: [UInt8](repeating: 90, count: 64 * 48 * 3))) == nil)
        #expect(TurnedPhoto(in: TestImages.noise(width: 300, height: 200)) == nil)
        let tiny = photo.resized(width: 20, height: 14, filter: .bilinear).turnedInGrownFrame(degrees: 10, fill: (0, 0, 0))
        #expect(TurnedPhoto(in: tiny) == nil)
    }

    private func meanDifference(_ a: RGBImage, _ b: RGBImage) -> Double {
        Double(zip(a.pixels, b.pixels).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.pixels.count)
    }
}
