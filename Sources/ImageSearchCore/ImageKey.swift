/// How a client names a stored image.
public enum ImageKey: Sendable, CustomStringConvertible {
    case id(Int64)
    case name(String)

    public var description: String {
        switch self {
        case .id(let id): "id \(id)"
        case .name(let name): "name '\(name)'"
        }
    }
}
