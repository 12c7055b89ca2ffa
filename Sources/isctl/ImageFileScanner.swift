import Foundation
import Imaging

/// Turns the paths given to `add` into the files to send, in order, each once. A file named on the
/// command line is always sent, whatever it holds: the daemon says what is wrong with it. In a
/// directory only JPEG, PNG and WebP files count, recognised by their first bytes rather than their
/// extension; other files are counted as skipped. A file that cannot be opened to look at is taken
/// all the same, so its failure is reported rather than silently dropped. Symbolic links to files are
/// followed, links to directories are not (no cycles).
struct ImageFileScanner {
    let recursive: Bool
    private(set) var files: [ImageFile] = []
    /// Files in directories that are not images.
    private(set) var skipped = 0
    private var seen: Set<String> = []

    init(recursive: Bool) {
        self.recursive = recursive
    }

    mutating func add(_ argument: String) {
        let path = URL(fileURLWithPath: argument).standardizedFileURL.path
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            addDirectory(path)
        } else {
            take(ImageFile(path: path))
        }
    }

    private mutating func addDirectory(_ path: String) {
        let names: [String]
        do {
            names = try Self.entries(of: path)
        } catch {
            take(ImageFile(path: path, problem: "cannot list the directory: \(error)"))
            return
        }
        for name in names {
            let child = path.hasSuffix("/") ? path + name : path + "/" + name
            switch Self.kind(of: child) {
            case .directory where recursive: addDirectory(child)
            case .directory, .linkToDirectory: continue
            case .file where !Self.hasImageSignature(child), .special: skipped += 1
            case .file, .unknown: take(ImageFile(path: child))
            }
        }
    }

    private mutating func take(_ file: ImageFile) {
        if seen.insert(file.path).inserted { files.append(file) }
    }

    private enum Kind {
        case file, directory, linkToDirectory, special
        /// Cannot be examined (a dangling link, no permission): sent, so that the reason is reported.
        case unknown
    }

    private static func kind(of path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .unknown }
        let isLink = info.st_mode & S_IFMT == S_IFLNK
        if isLink, stat(path, &info) != 0 { return .unknown }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return isLink ? .linkToDirectory : .directory
        default: return .special
        }
    }

    /// Whether the file starts like a JPEG, PNG or WebP; true when it cannot be opened, so it is sent
    /// and its failure reported.
    private static func hasImageSignature(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return true }
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 12)
        let count = read(descriptor, &header, header.count)
        guard count >= 0 else { return true }
        return header.prefix(count).withUnsafeBytes { ImageFormat.detect($0) } != nil
    }

    /// The names in a directory, sorted, without "." and "..".
    private static func entries(of path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw ImageFile.unreadable(errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
