/// The one way encoder-bench times things: a few untimed calls first (caches, page faults, lazy
/// set-up), then the median of the timed ones, which a stray interruption does not move.
enum MedianTiming {
    /// Median milliseconds of `runs` calls of `body`, after `warmUp` untimed ones.
    static func milliseconds(runs: Int, warmUp: Int = 5, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmUp { try body() }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            try body()
            times.append((ContinuousClock.now - start).milliseconds)
        }
        return times.sorted()[times.count / 2]
    }
}
