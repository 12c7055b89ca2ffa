import Foundation

/// The vector of `search --vector`: a JSON array of numbers, or an object with a `vector` array, as
/// `isctl embed --json` and `isctl get --vector --json` print.
enum QueryVector {
    private struct Embedding: Decodable {
        let vector: [Float]
    }

    static func read(_ argument: String) throws -> [Float] {
        let data = try InputFile.contents(of: argument)
        let decoder = JSONDecoder()
        if let values = try? decoder.decode([Float].self, from: data) { return values }
        if let embedding = try? decoder.decode(Embedding.self, from: data) { return embedding.vector }
        let source = argument == InputFile.standardInput ? "standard input" : argument
        throw CLIError(.invalidInput, "\(source) holds no vector: expected a JSON array of numbers or the output of 'isctl embed --json'")
    }
}
