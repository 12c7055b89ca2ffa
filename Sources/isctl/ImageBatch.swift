import Foundation
import ImageSearchProtos

/// The images gathered for the next AddImages message, up to a number of images and of bytes.
struct ImageBatch {
    let maxImages: Int
    let maxBytes: Int
    private var images: [Imagesearch_V1_ImageToAdd] = []
    private var bytes = 0

    init(maxImages: Int, maxBytes: Int) {
        self.maxImages = maxImages
        self.maxBytes = maxBytes
    }

    var isEmpty: Bool { images.isEmpty }

    /// Whether an image of `byteCount` bytes still fits; an image larger than `maxBytes` fits only
    /// into an empty batch, and goes alone.
    func hasRoom(for byteCount: Int) -> Bool {
        images.isEmpty || (images.count < maxImages && bytes + byteCount <= maxBytes)
    }

    mutating func append(_ data: Data, name: String) {
        var image = Imagesearch_V1_ImageToAdd()
        image.data = data
        image.name = name
        images.append(image)
        bytes += data.count
    }

    /// The message for the images gathered so far; the batch is empty again afterwards.
    mutating func takeMessage(collection: String) -> Imagesearch_V1_AddImagesRequest {
        var message = Imagesearch_V1_AddImagesRequest()
        message.collection = collection
        message.images = images
        images = []
        bytes = 0
        return message
    }
}
