import ServiceLifecycle

/// Pings systemd's watchdog (`WATCHDOG=1`) at half the interval systemd asked for in
/// `$WATCHDOG_USEC`, so a hung daemon is restarted. Only runs when that variable is set.
struct WatchdogService: Service {
    let notifier: SystemdNotifier
    let interval: Duration

    /// nil when systemd did not ask for watchdog pings.
    init?(notifier: SystemdNotifier, environment: [String: String]) {
        guard notifier.isActive, let microseconds = environment["WATCHDOG_USEC"].flatMap(Int.init), microseconds > 0 else {
            return nil
        }
        self.notifier = notifier
        interval = .microseconds(microseconds / 2)
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            notifier.notify("WATCHDOG=1")
            try? await Task.sleep(for: interval)
        }
    }
}
