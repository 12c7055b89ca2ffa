import SearchBackend
import Testing

/// Inserts one image per name and expects each to be found by that name, and only that one.
func checkRoundTrip(of names: [String], in backend: any SearchBackend) async throws {
    var images = TestImages.make(count: names.count, dimension: 16, seed: 99)
    for index in images.indices {
        images[index].name = names[index]
    }
    let ids = try await backend.insert(images)
    for (name, id) in zip(names, ids) {
        let found = try await backend.image(name: name, includeVector: false)
        #expect(found?.id == id, "looking up \(name.debugDescription)")
        #expect(found?.name == name)
    }
}

/// Expects `body` to throw a `BackendError` with `code`.
func expectCode<Result>(_ code: BackendError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Result) async {
    do {
        _ = try await body()
        Issue.record("expected a \(code) error, got success", sourceLocation: sourceLocation)
    } catch let error as BackendError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a BackendError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
