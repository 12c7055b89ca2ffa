/// Stored images that show the same scene, by increasing id (see `ImageSearchEngine.duplicateGroups`).
public struct DuplicateGroup: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var id: Int64
        public var name: String
    }

    public var members: [Member]
}
