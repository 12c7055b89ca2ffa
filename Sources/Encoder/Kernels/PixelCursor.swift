/// Walks the pixels of a batch of images in order and yields each one's float offset in a (possibly
/// padded) layout, with additions only: the matrix kernel asks for seven of these per block, and a
/// division per pixel would cost as much as the arithmetic of the thinnest layers.
struct PixelCursor {
    private let layout: ActivationLayout
    private var image = 0
    private var y = 0
    private var x = 0

    /// A cursor whose first offset is pixel `pixel` of the batch (images back to back).
    init(layout: ActivationLayout, startingAt pixel: Int = 0) {
        self.layout = layout
        image = pixel / layout.pixels
        y = pixel % layout.pixels / layout.width
        x = pixel % layout.width
    }

    @inline(__always)
    mutating func nextOffset() -> Int {
        let offset = image * layout.imageStride + layout.offset(y: y, x: x)
        x += 1
        if x == layout.width {
            x = 0
            y += 1
            if y == layout.height {
                y = 0
                image += 1
            }
        }
        return offset
    }
}
