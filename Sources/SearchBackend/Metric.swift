/// How vectors are compared, named as Milvus names them so that both backends read the same.
///
/// Every backend reports a *distance*, smaller meaning more similar: the Euclidean distance for `L2`
/// (not its square, which is what Milvus returns), 1 − cosine similarity for `COSINE`, and the negated
/// inner product for `IP`.
public enum Metric: String, Codable, Sendable, CaseIterable {
    case l2 = "L2"
    case innerProduct = "IP"
    case cosine = "COSINE"
}
