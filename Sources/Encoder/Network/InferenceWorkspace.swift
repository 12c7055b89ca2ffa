/// The memory one forward pass writes into. Created once per worker and reused, so a steady stream of
/// images allocates nothing.
final class InferenceWorkspace: @unchecked Sendable {
    /// Block input and block output, swapped after every block.
    let activations: (FloatBuffer, FloatBuffer)
    /// How many images one pass may hold.
    let images: Int
    /// One per part a pass's layers may be split in; see `ConvolutionalNetwork.makeWorkspace`.
    let scratches: [BlockScratch]
    /// The pass's network inputs, back to back.
    let input: FloatBuffer
    let features: FloatBuffer

    init(images: Int, inputCount: Int, activationCount: Int, featureCount: Int, scratches: [BlockScratch]) {
        self.images = images
        input = FloatBuffer(count: images * inputCount)
        activations = (FloatBuffer(count: activationCount), FloatBuffer(count: activationCount))
        self.scratches = scratches
        features = FloatBuffer(count: featureCount)
    }
}
