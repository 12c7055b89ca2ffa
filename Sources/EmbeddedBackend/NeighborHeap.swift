/// The `capacity` nearest neighbours seen so far, as a binary max-heap: the farthest is on top, so
/// deciding whether a new candidate gets in is one comparison, and letting it in costs O(log k)
/// instead of the full sort a scan of 100k rows would otherwise need.
struct NeighborHeap: Sendable {
    let capacity: Int
    private(set) var elements: [Neighbor] = []

    init(capacity: Int) {
        self.capacity = capacity
        elements.reserveCapacity(capacity)
    }

    var isFull: Bool { elements.count >= capacity }

    /// The worst score still kept, or +∞ while there is room.
    var admissionScore: Float { isFull ? elements[0].score : .infinity }

    @inline(__always)
    func admits(_ score: Float) -> Bool { score < admissionScore }

    /// Adds `neighbor` if it is nearer than the farthest kept one (or there is room), evicting that one.
    mutating func insert(_ neighbor: Neighbor) {
        if elements.count < capacity {
            elements.append(neighbor)
            siftUp(from: elements.count - 1)
        } else if capacity > 0, neighbor.score < elements[0].score {
            elements[0] = neighbor
            siftDown(from: 0)
        }
    }

    /// The kept neighbours, nearest first.
    func sortedNearestFirst() -> [Neighbor] {
        elements.sorted { $0.score < $1.score }
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child].score > elements[parent].score else { return }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < elements.count, elements[left].score > elements[largest].score { largest = left }
            if right < elements.count, elements[right].score > elements[largest].score { largest = right }
            guard largest != parent else { return }
            elements.swapAt(parent, largest)
            parent = largest
        }
    }
}
