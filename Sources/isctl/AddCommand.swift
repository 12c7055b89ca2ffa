import ArgumentParser

/// `isctl add`: stores image files, and the images in directories, under their absolute paths.
struct AddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add image files, and the images in directories.",
        discussion: """
            Each image is stored under its absolute path; adding a changed file replaces the old \
            version, adding identical content again changes nothing. In directories only JPEG, PNG \
            and WebP files count, recognised by content; other files are skipped. A file named \
            explicitly is always sent, and the daemon says what is wrong with it. One bad file never \
            stops the run: the summary lists each failure with its reason, and the exit status is 1.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Image files and directories.")
    var paths: [String]

    @Flag(name: .shortAndLong, help: "Also add the images in subdirectories.")
    var recursive = false

    @Flag(help: "Print one JSON object per file as soon as the daemon has stored it; the summary goes to standard error.")
    var json = false

    @Option(help: ArgumentHelp("At most this many images per message to the daemon.", valueName: "n"))
    var batch = 16

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1.") }
    }

    func run() async throws {
        var scanner = ImageFileScanner(recursive: recursive)
        for path in paths { scanner.add(path) }
        let files = scanner.files
        let progress = json || !Console.errorIsTerminal ? nil : ProgressBar(total: files.count)
        let report = AddReport(printsJSON: json, progress: progress)
        do {
            let uploader = ImageUploader(
                connection: DaemonConnection(connection), collection: connection.collection, imagesPerMessage: batch, report: report)
            if let progress {
                try await progress.showing { try await uploader.upload(files) }
            } else {
                try await uploader.upload(files)
            }
        } catch {
            if report.hasOutcomes { printSummary(report.summary(skipped: scanner.skipped)) }
            throw error
        }
        printSummary(report.summary(skipped: scanner.skipped))
        if report.hasFailures { throw CLIError(.partialFailure) }
    }

    /// The summary is the result, on standard output, unless that carries JSON.
    private func printSummary(_ summary: String) {
        if json {
            Console.errorLine(summary)
        } else {
            print(summary)
        }
    }
}
