import ArgumentParser

/// `isctl`, the command-line client of imagesearchd.
@main
struct ISCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isctl",
        abstract: "Command-line client of imagesearchd, the image similarity search daemon.",
        discussion: """
            Talks to the daemon over its Unix socket: --socket, else $\(ConnectionOptions.socketVariable), \
            else \(ConnectionOptions.defaultSocket).

            Exit status: 0 success; 1 a request failed, some files could not be added, or an image was \
            not found; 2 usage error; 3 the daemon cannot be reached.
            """,
        subcommands: [
            AddCommand.self, SearchCommand.self, EmbedCommand.self, GetCommand.self, RemoveCommand.self,
            StatsCommand.self, HealthCommand.self, DupesCommand.self, ConfigureCommand.self,
        ])

    /// ArgumentParser's entry point, but with the exit statuses of `CLIError`, and 2 rather than
    /// ArgumentParser's 64 (EX_USAGE) for a wrong command line.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            Console.flushOutput()
            if !error.message.isEmpty { Console.errorLine("isctl: \(error.message)") }
            exit(withError: ExitCode(error.code.exitStatus))
        } catch let error where exitCode(for: error) == .validationFailure {
            Console.errorLine(fullMessage(for: error))
            exit(withError: ExitCode(CLIError.Code.usage.exitStatus))
        } catch {
            exit(withError: error)
        }
    }
}
