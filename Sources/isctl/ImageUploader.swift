import Foundation
import GRPCCore
import ImageSearchProtos

/// Sends files to the daemon over AddImages and reports each file's outcome as the daemon
/// acknowledges it. Files are read only as the stream takes them, so memory holds a few messages,
/// not the library, and a file that cannot be read fails alone.
struct ImageUploader {
    /// At most this many bytes of images per message, so that memory stays small and a batch of large
    /// photos stays well below the daemon's per-message limit (64 MiB by default).
    static let maxMessageBytes = 16 << 20

    let connection: DaemonConnection
    let collection: String
    let imagesPerMessage: Int
    let report: AddReport

    /// Streams `files` in batches. The daemon drops a whole call when a message is over its size limit
    /// (`imagesearchd --max-image-bytes`), without saying which image, so after such a refusal the
    /// files not yet answered for go one per call until a refusal names its file, which then fails
    /// with `image_too_large`; batching resumes after it. One large file never stops the run.
    func upload(_ files: [ImageFile]) async throws {
        try await connection.withImageSearch { client in
            var position = files.startIndex
            while position < files.endIndex {
                position += try await sendInBatches(files[position...], client: client)
                position += try await sendOneByOne(files[position...], client: client)
            }
        }
    }

    /// Sends `files` in one call; returns how many are accounted for, all of them unless the daemon
    /// refused a message as too large.
    private func sendInBatches(_ files: ArraySlice<ImageFile>, client: DaemonConnection.ImageSearchClient) async throws -> Int {
        let queue = UploadQueue(report: report)
        do {
            try await send(files, imagesPerMessage: imagesPerMessage, through: queue, client: client)
            return files.count
        } catch let error as RPCError where connection.isRefusedAsTooLarge(error) {
            return queue.reportedCount
        }
    }

    /// Sends `files` one per call up to and including the first the daemon refuses as too large;
    /// returns how many were sent.
    private func sendOneByOne(_ files: ArraySlice<ImageFile>, client: DaemonConnection.ImageSearchClient) async throws -> Int {
        for (offset, file) in files.enumerated() {
            do {
                try await send([file], imagesPerMessage: 1, through: UploadQueue(report: report), client: client)
            } catch let error as RPCError where connection.isRefusedAsTooLarge(error) {
                let message = "the daemon refused the image as too large (imagesearchd --max-image-bytes): \(error.message)"
                report.record(FileOutcome(file, failure: FileOutcome.Failure(reason: "image_too_large", message: message)))
                return offset + 1
            }
        }
        return files.count
    }

    private func send(
        _ files: ArraySlice<ImageFile>, imagesPerMessage: Int, through queue: UploadQueue, client: DaemonConnection.ImageSearchClient
    ) async throws {
        let collection = collection
        try await client.addImages { writer in
            var batch = ImageBatch(maxImages: imagesPerMessage, maxBytes: Self.maxMessageBytes)
            for file in files {
                let data: Data
                do {
                    data = try file.contents()
                } catch let error as CLIError {
                    queue.failedLocally(file, error)
                    continue
                }
                if !batch.hasRoom(for: data.count) {
                    try await writer.write(batch.takeMessage(collection: collection))
                }
                batch.append(data, name: file.path)
                queue.sent(file)
            }
            if !batch.isEmpty {
                try await writer.write(batch.takeMessage(collection: collection))
            }
        } onResponse: { response in
            for try await message in response.messages {
                for result in message.results {
                    try queue.acknowledge(result)
                }
            }
        }
        queue.finish()
    }
}
