import ArgumentParser

/// `imagesearch-model`: converts published checkpoints into the model packages imagesearchd loads.
@main
struct ImageSearchModel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagesearch-model",
        abstract: "Convert image-encoder checkpoints into imagesearchd model packages (model.json + weights.safetensors).",
        subcommands: [ImportPyTorch.self, ImportTFLite.self, Verify.self])
}
