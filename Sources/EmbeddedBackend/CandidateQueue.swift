/// The HNSW frontier: graph nodes still to expand, as a binary min-heap so the nearest comes out first.
struct CandidateQueue {
    private var elements: [Neighbor] = []

    mutating func push(_ neighbor: Neighbor) {
        elements.append(neighbor)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child].score < elements[parent].score else { return }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popNearest() -> Neighbor? {
        guard let last = elements.popLast() else { return nil }
        guard !elements.isEmpty else { return last }
        let nearest = elements[0]
        elements[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < elements.count, elements[left].score < elements[smallest].score { smallest = left }
            if right < elements.count, elements[right].score < elements[smallest].score { smallest = right }
            guard smallest != parent else { return nearest }
            elements.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
