/// A depthwise kernel size and stride known at compile time, so specialised kernels unroll their taps.
protocol DepthwiseShape {
    static var kernelSize: Int { get }
    static var stride: Int { get }
}

enum Kernel3Stride1: DepthwiseShape {
    static var kernelSize: Int { 3 }
    static var stride: Int { 1 }
}

enum Kernel3Stride2: DepthwiseShape {
    static var kernelSize: Int { 3 }
    static var stride: Int { 2 }
}

enum Kernel5Stride1: DepthwiseShape {
    static var kernelSize: Int { 5 }
    static var stride: Int { 1 }
}

enum Kernel5Stride2: DepthwiseShape {
    static var kernelSize: Int { 5 }
    static var stride: Int { 2 }
}
