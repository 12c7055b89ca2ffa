import Foundation
import Imaging
import Testing
import TestSupport

/// Every kind of bad input is refused with its own error code, before anything large is allocated.
@Suite struct BadInputTests {
    let pattern = TestImages.pattern(width: 64, height: 64)

    private func failure(_ data: Data, limits: DecodingLimits = .init()) -> ImagingError.Code? {
        do {
            _ = try data.withUnsafeBytes { try ImageDecoder.decode($0, limits: limits) }
            return nil
        } catch let error as ImagingError {
            #expect(!error.message.isEmpty)
            return error.code
        } catch {
            return nil
        }
    }

    @Test func emptyData() { #expect(failure(Data()) == .empty) }

    @Test func textIsNotAnImage() {
        #expect(failure(Data("hello, this is not a photo\n".utf8)) == .unsupportedFormat)
    }

    @Test func otherImageFormatsAreUnsupported() {
        #expect(failure(Data("GIF89a".utf8) + Data(count: 64)) == .unsupportedFormat)
        #expect(failure(Data("BM".utf8) + Data(count: 64)) == .unsupportedFormat)
    }

    @Test func corruptJPEG() {
        var data = Data([0xFF, 0xD8, 0xFF, 0xE0])
        data += Data((0..<500).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        #expect(failure(data) == .corrupt)
    }

    @Test func truncatedFilesOfEveryFormat() {
        for data in [TestImages.jpeg(pattern), TestImages.png(pattern), TestImages.webp(pattern)] {
            let code = failure(data.prefix(data.count * 2 / 3))
            #expect(code == .truncated || code == .corrupt, "got \(String(describing: code))")
        }
        #expect(failure(TestImages.jpeg(pattern).prefix(TestImages.jpeg(pattern).count * 2 / 3)) == .truncated)
    }

    @Test func headerOnlyFiles() {
        #expect(failure(TestImages.png(pattern).prefix(40)) != nil)
        #expect(failure(TestImages.webp(pattern).prefix(30)) != nil)
        #expect(failure(TestImages.jpeg(pattern).prefix(30)) != nil)
    }

    @Test func imagesOverThePixelLimit() {
        let limits = DecodingLimits(maxPixels: 1000)
        #expect(failure(TestImages.jpeg(pattern), limits: limits) == .tooLarge)
        #expect(failure(TestImages.png(pattern), limits: limits) == .tooLarge)
        #expect(failure(TestImages.webp(pattern), limits: limits) == .tooLarge)
    }

    /// A few hundred bytes claiming 60000×60000 pixels (3.6 gigapixels): refused from the header.
    @Test func hugeDimensionHeadersAreRefusedWithoutDecoding() {
        #expect(failure(MalformedImages.jpeg(claimingWidth: 60000, height: 60000, from: TestImages.jpeg(pattern))) == .tooLarge)
        #expect(failure(MalformedImages.png(claimingWidth: 60000, height: 60000, from: TestImages.png(pattern))) == .tooLarge)
    }
}
