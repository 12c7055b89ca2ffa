import Foundation

/// The standard streams. Results go to standard output through `print`, which C stdio buffers (fully
/// when it is a file or a pipe), so long listings cost few system calls; messages and the progress bar
/// go to standard error unbuffered, so they show at once.
enum Console {
    /// Writes `text` to standard error now.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes a line to standard error now.
    static func errorLine(_ line: String) {
        error(line + "\n")
    }

    /// Pushes buffered standard output out, for a reader that acts on each line as it comes.
    /// `fflush(nil)` flushes every stdio stream; naming `stdout` is not concurrency-safe in Swift 6.
    static func flushOutput() {
        fflush(nil)
    }

    /// Whether standard error is a terminal, where a redrawn progress line makes sense.
    static var errorIsTerminal: Bool {
        isatty(STDERR_FILENO) == 1
    }

    /// The width of the terminal on standard error, or 80 when it does not say.
    static var errorColumns: Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
