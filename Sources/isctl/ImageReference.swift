/// A stored image as named on the command line: digits only is an id, anything else a name; with
/// `--names`, everything is a name (for images named "42").
enum ImageReference {
    case id(UInt64)
    case name(String)

    init(_ argument: String, namesOnly: Bool) {
        if !namesOnly, argument.allSatisfy({ $0.isASCII && $0.isNumber }), let id = UInt64(argument) {
            self = .id(id)
        } else {
            self = .name(argument)
        }
    }
}
