import Foundation
import SearchBackend
import SeededRandom
import Synchronization

/// Approximate search on a hierarchical navigable small-world graph (Malkov & Yashunin, 2016, with
/// hnswlib's choices: the neighbour-selection heuristic, 2M links on level 0, removal by marking).
///
/// Concurrency: searches hold `lock` for reading. The one writer at a time (holding `writer`) finds a
/// new node's neighbours without any lock, since nothing else changes the graph, and takes `lock` for
/// writing only to append the node and to apply its links, so searches wait microseconds, not the
/// milliseconds the neighbour search takes.
final class HNSWIndex: VectorIndex, @unchecked Sendable {
    let metric: Metric
    let dimension: Int
    let parameters: HNSWParameters
    private let lock = ReadWriteLock()
    private let writer: Mutex<WriterState>
    /// `vectors` and `graph` are changed only by a writer holding both `writer` and `lock` for writing,
    /// and read by searches holding `lock` for reading and by the writer holding `writer`.
    private var vectors: VectorStorage
    private var graph: HNSWGraph

    /// What only writers use: finding a node to remove, and drawing levels.
    private struct WriterState {
        var nodeOfID: [Int64: Int]
        var generator: SplitMix64
    }

    /// One change of one node's link list on one level, computed before it is applied.
    private struct LinkChange {
        var node: Int
        var level: Int
        var links: [Int]
    }

    init(dimension: Int, metric: Metric, parameters: HNSWParameters) {
        self.metric = metric
        self.dimension = dimension
        self.parameters = parameters
        vectors = VectorStorage(dimension: dimension)
        graph = HNSWGraph(maxLinks: parameters.maxLinks)
        writer = Mutex(WriterState(nodeOfID: [:], generator: SplitMix64(seed: 0)))
    }

    /// Takes over the nodes and links of an HNSW snapshot built with the same M.
    init(restoring snapshot: IndexSnapshot, parameters: HNSWParameters) {
        precondition(snapshot.graph?.maxLinks == parameters.maxLinks)
        metric = snapshot.metric
        dimension = snapshot.dimension
        self.parameters = parameters
        vectors = snapshot.vectors
        graph = snapshot.graph!
        var nodeOfID: [Int64: Int] = [:]
        nodeOfID.reserveCapacity(graph.liveCount)
        for node in 0..<graph.nodeCount where !graph.deleted[node] { nodeOfID[vectors.id(at: node)] = node }
        writer = Mutex(WriterState(nodeOfID: nodeOfID, generator: SplitMix64(seed: UInt64(graph.nodeCount))))
    }

    var count: Int { lock.withReadLock { graph.liveCount } }

    var memoryBytes: Int {
        let graphBytes = lock.withReadLock { vectors.memoryBytes + graph.memoryBytes }
        return graphBytes + writer.withLock { $0.nodeOfID.capacity * 16 }
    }

    func add(ids: [Int64], vectors newVectors: [[Float]]) {
        writer.withLock { state in
            for (id, vector) in zip(ids, newVectors) {
                let level = randomLevel(using: &state.generator)
                state.nodeOfID[id] = insertNode(id: id, vector: metric.prepared(vector), level: level)
            }
        }
    }

    func remove(ids: [Int64]) {
        writer.withLock { state in
            let nodes = ids.compactMap { state.nodeOfID.removeValue(forKey: $0) }
            guard !nodes.isEmpty else { return }
            lock.withWriteLock { nodes.forEach { graph.markDeleted($0) } }
        }
    }

    func snapshot(sequence: Int64) -> IndexSnapshot {
        writer.withLock { _ in
            IndexSnapshot(kind: .hnsw, metric: metric, sequence: sequence, vectors: vectors, graph: graph)
        }
    }

    func search(_ query: [Float], topK: Int, maxDistance: Float?) -> [IndexHit] {
        guard topK > 0 else { return [] }
        let query = metric.prepared(query)
        let limit = maxDistance ?? .infinity
        return lock.withReadLock {
            let graph = self.graph, vectors = self.vectors
            guard graph.entryPoint >= 0, graph.liveCount > 0 else { return [] }
            return query.withUnsafeBufferPointer { query in
                let entry = descend(to: 0, from: graph.entryPoint, query: query.baseAddress!, graph: graph, vectors: vectors)
                let nearest = searchLayer(query.baseAddress!, entries: [entry], ef: max(parameters.ef, topK), level: 0, graph: graph, vectors: vectors)
                return nearest.sortedNearestFirst().prefix(topK)
                    .map { IndexHit(id: vectors.id(at: $0.item), distance: metric.distance(forScore: $0.score)) }
                    .filter { $0.distance <= limit }
            }
        }
    }

    /// The level of a new node: geometric with ratio 1/M, so each level holds about 1/M of the one
    /// below (the paper's m_L = 1/ln M).
    private func randomLevel(using generator: inout SplitMix64) -> Int {
        let uniform = Double.random(in: Double.leastNonzeroMagnitude..<1, using: &generator)
        return min(Int(-log(uniform) / log(Double(parameters.maxLinks))), Int(UInt8.max))
    }

    /// Appends the node, works out its links and its neighbours' new links unlocked, then applies them.
    private func insertNode(id: Int64, vector: [Float], level: Int) -> Int {
        let node = lock.withWriteLock {
            vectors.append(id: id, vector: vector)
            return graph.addNode(level: level)
        }
        let changes = planLinks(for: node, level: level)
        lock.withWriteLock {
            for change in changes { graph.setLinks(of: change.node, level: change.level, to: change.links) }
            if graph.entryPoint < 0 || level > graph.maxLevel { graph.setEntryPoint(node) }
        }
        return node
    }

    /// The paper's INSERT without the writes: greedy descent to the node's top level, then on each
    /// level below an `efConstruction` search, the heuristic's choice of neighbours, and each chosen
    /// neighbour's list with the new node added (pruned again by the heuristic if it overflows).
    private func planLinks(for node: Int, level: Int) -> [LinkChange] {
        let graph = self.graph, vectors = self.vectors
        guard graph.entryPoint >= 0 else { return [] }
        let query = vectors.vector(at: node)
        var entries = [descend(to: level, from: graph.entryPoint, query: query, graph: graph, vectors: vectors)]
        var changes: [LinkChange] = []
        for layer in stride(from: min(level, graph.maxLevel), through: 0, by: -1) {
            let found = searchLayer(query, entries: entries, ef: parameters.efConstruction, level: layer, graph: graph, vectors: vectors).sortedNearestFirst()
            // With no live node in reach, link to the (removed) entry nodes instead, as hnswlib does:
            // a node with no links could never be found again.
            let candidates = found.isEmpty ? entries : found
            let chosen = selectNeighbors(candidates, maxCount: parameters.maxLinks, vectors: vectors)
            changes.append(LinkChange(node: node, level: layer, links: chosen.map(\.item)))
            for neighbor in chosen {
                changes.append(linksAdding(node, to: neighbor, level: layer, graph: graph, vectors: vectors))
            }
            entries = candidates
        }
        return changes
    }

    /// `neighbor`'s links on `level` once `node` is added to them.
    private func linksAdding(_ node: Int, to neighbor: Neighbor, level: Int, graph: HNSWGraph, vectors: VectorStorage) -> LinkChange {
        let current = graph.links(of: neighbor.item, level: level)
        guard current.count >= graph.maxLinks(onLevel: level) else {
            return LinkChange(node: neighbor.item, level: level, links: current + [node])
        }
        let origin = vectors.vector(at: neighbor.item)
        let candidates = current.map { Neighbor(score: score(origin, vectors.vector(at: $0)), item: $0) } + [Neighbor(score: neighbor.score, item: node)]
        let kept = selectNeighbors(candidates.sorted { $0.score < $1.score }, maxCount: graph.maxLinks(onLevel: level), vectors: vectors)
        return LinkChange(node: neighbor.item, level: level, links: kept.map(\.item))
    }

    /// The paper's heuristic (algorithm 4): take candidates nearest first, keeping one only if it is
    /// nearer to the base than to every one kept so far. Links then point in different directions,
    /// which keeps clusters connected to each other. `candidates` are sorted nearest first.
    private func selectNeighbors(_ candidates: [Neighbor], maxCount: Int, vectors: VectorStorage) -> [Neighbor] {
        guard candidates.count > maxCount else { return candidates }
        var selected: [Neighbor] = []
        for candidate in candidates {
            let vector = vectors.vector(at: candidate.item)
            if selected.allSatisfy({ score(vector, vectors.vector(at: $0.item)) >= candidate.score }) {
                selected.append(candidate)
                if selected.count == maxCount { break }
            }
        }
        return selected
    }

    /// Greedy walk from the entry point down to `level`: on each level above it, move to the nearest
    /// neighbour until none is nearer.
    private func descend(to level: Int, from entryPoint: Int, query: UnsafePointer<Float>, graph: HNSWGraph, vectors: VectorStorage) -> Neighbor {
        var best = Neighbor(score: score(query, vectors.vector(at: entryPoint)), item: entryPoint)
        for layer in stride(from: graph.maxLevel, to: level, by: -1) {
            var improved = true
            while improved {
                improved = false
                graph.forEachLink(of: best.item, level: layer) { node in
                    let candidate = score(query, vectors.vector(at: node))
                    if candidate < best.score {
                        best = Neighbor(score: candidate, item: node)
                        improved = true
                    }
                }
            }
        }
        return best
    }

    /// The paper's SEARCH-LAYER (algorithm 2): best-first expansion from `entries`, keeping the `ef`
    /// nearest live nodes. Removed nodes are expanded (they hold the graph together) but not kept.
    private func searchLayer(_ query: UnsafePointer<Float>, entries: [Neighbor], ef: Int, level: Int, graph: HNSWGraph, vectors: VectorStorage) -> NeighborHeap {
        var visited = VisitedSet(nodeCount: graph.nodeCount)
        var frontier = CandidateQueue()
        var nearest = NeighborHeap(capacity: ef)
        for entry in entries where visited.insert(entry.item) {
            frontier.push(entry)
            if !graph.deleted[entry.item] { nearest.insert(entry) }
        }
        while let candidate = frontier.popNearest(), candidate.score <= nearest.admissionScore {
            graph.forEachLink(of: candidate.item, level: level) { node in
                guard visited.insert(node) else { return }
                let neighbor = Neighbor(score: score(query, vectors.vector(at: node)), item: node)
                guard nearest.admits(neighbor.score) else { return }
                frontier.push(neighbor)
                if !graph.deleted[node] { nearest.insert(neighbor) }
            }
        }
        return nearest
    }

    @inline(__always)
    private func score(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        metric.score(a, b, dimension: dimension)
    }
}
