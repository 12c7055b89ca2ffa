extension Preprocessing.Filter {
    /// Half-width of the filter at scale 1, in source pixels.
    var support: Double {
        switch self {
        case .bicubic: 2
        case .bilinear: 1
        }
    }

    /// The filter's weight at distance `x` (Pillow's definitions, so resized pixels match the golden
    /// preprocessing that was computed with Pillow).
    func weight(_ x: Double) -> Double {
        let x = abs(x)
        switch self {
        case .bicubic:
            let a = -0.5
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
            return 0
        case .bilinear:
            return x < 1 ? 1 - x : 0
        }
    }
}
