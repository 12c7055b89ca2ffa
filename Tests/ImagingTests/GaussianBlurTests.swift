import Foundation
import Imaging
import Testing

/// The low-pass filter of the retrieval recipe's network input.
@Suite struct GaussianBlurTests {
    private func image(width: Int, height: Int, pixel: (Int, Int) -> UInt8) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { pixels += [pixel(x, y), pixel(x, y), 255 - pixel(x, y)] }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test(arguments: [0.5, 1, 2.24, 4])
    func theKernelIsASymmetricGaussianOfUnitSum(sigma: Double) {
        let kernel = GaussianBlur.kernel(sigma: sigma)
        #expect(kernel.count == 2 * Int((3 * sigma).rounded(.up)) + 1)
        #expect(abs(kernel.reduce(0, +) - 1) < 1e-5)
        #expect(kernel == kernel.reversed())
        let middle = kernel.count / 2
        #expect(abs(kernel[middle + 1] / kernel[middle] - Float(exp(-1 / (2 * sigma * sigma)))) < 1e-5)
    }

    @Test func aPlainImageStaysPlainAndSigmaZeroChangesNothing() {
        let plain = image(width: 9, height: 5) { _, _ in 77 }
        #expect(GaussianBlur.blurred(plain, sigma: 2) == plain)
        let stripes = image(width: 12, height: 7) { x, _ in x % 2 == 0 ? 0 : 255 }
        #expect(GaussianBlur.blurred(stripes, sigma: 0) == stripes)
    }

    /// One bright pixel becomes the kernel's outer product: symmetric, peaked at the pixel, and the
    /// same in every channel's own scale.
    @Test func aPointSpreadsIntoTheKernel() {
        let point = image(width: 21, height: 21) { x, y in x == 10 && y == 10 ? 255 : 0 }
        let blurred = GaussianBlur.blurred(point, sigma: 1.5)
        let kernel = GaussianBlur.kernel(sigma: 1.5)
        let middle = kernel.count / 2
        func red(_ x: Int, _ y: Int) -> UInt8 { blurred.pixels[(y * 21 + x) * 3] }
        #expect(red(10, 10) == UInt8((255 * kernel[middle] * kernel[middle]).rounded()))
        #expect(red(11, 10) == UInt8((255 * kernel[middle + 1] * kernel[middle]).rounded()))
        #expect(red(9, 12) == red(12, 9) && red(12, 9) == red(8, 11))
        #expect(red(0, 0) == 0)
        #expect(blurred.pixels[(10 * 21 + 10) * 3 + 2] == 255 - red(10, 10))
    }

    /// Edges are extended, not darkened: a bright border column keeps its value.
    @Test func edgesAreExtended() {
        let edge = image(width: 16, height: 6) { x, _ in x < 8 ? 200 : 40 }
        let blurred = GaussianBlur.blurred(edge, sigma: 2)
        #expect(blurred.pixels[0] == 200 && blurred.pixels[(16 * 3 - 3)] == 40)
        #expect(blurred.pixels[7 * 3] < 200 && blurred.pixels[8 * 3] > 40)
    }
}
