/// The seven rows (pixels) one `PackedMatrixKernel` block reads or writes, each with its own pointer:
/// consecutive pixels are not evenly spaced in a padded layout, and a last partial block points its
/// missing rows at scratch memory instead of past the end of a buffer.
struct RowPointers {
    let row0, row1, row2, row3, row4, row5, row6: UnsafeMutablePointer<Float>

    init(_ pointer: (Int) -> UnsafeMutablePointer<Float>) {
        row0 = pointer(0)
        row1 = pointer(1)
        row2 = pointer(2)
        row3 = pointer(3)
        row4 = pointer(4)
        row5 = pointer(5)
        row6 = pointer(6)
    }

    @inline(__always)
    subscript(row: Int) -> UnsafeMutablePointer<Float> {
        switch row {
        case 0: row0
        case 1: row1
        case 2: row2
        case 3: row3
        case 4: row4
        case 5: row5
        default: row6
        }
    }
}
