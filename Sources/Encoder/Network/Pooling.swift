/// How the head's feature map (one response per channel and pixel) becomes one vector.
public enum Pooling: Sendable, Equatable, CustomStringConvertible {
    /// The mean response per channel: what the classifier was trained on, and the reference
    /// implementation's features.
    case average
    /// The generalised mean per channel, (mean xᵖ)^(1/p) (Radenović et al., 2018): between the mean
    /// (p = 1) and the maximum (p → ∞), it lets the strongest local responses weigh more, so an object
    /// keeps its signature when a crop, a patch or a blur changes the rest of the frame.
    case generalizedMean(power: Float)

    public var description: String {
        switch self {
        case .average: "average"
        case .generalizedMean(let power): "gem \(power)"
        }
    }
}
