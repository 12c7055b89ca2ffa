import ArgumentParser

/// The command-line flags. All optional: a flag that is not given falls back to the environment, the
/// configuration file, then the default (see `DaemonSettings`).
struct DaemonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Unix socket to listen on (default /run/imagesearchd/imagesearchd.sock). Ignored when systemd passes a socket (socket activation).", valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp("Permissions of the socket file, octal (default 0660).", valueName: "mode"))
    var socketMode: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory of the collections (default /var/lib/imagesearchd).", valueName: "dir"))
    var dataDir: String?

    @Option(help: ArgumentHelp("Model name or model directory (default efficientnet-lite0, looked up in $IMAGESEARCH_MODELS, ~/.local/share/imagesearchd/models, /usr/local/share/imagesearchd/models, /usr/share/imagesearchd/models).", valueName: "name|dir"))
    var model: String?

    @Option(help: ArgumentHelp("How images become vectors: retrieval (turned photos straightened, the whole frame, GeM pooling, length 1), retrieval-v1 (the same without straightening: what data directories made by the first release with it hold) or reference (the model's own recipe: centre crop, average pooling; what data directories made by earlier versions hold). Part of each collection's identity. Default: the recipe the default collection was made with, retrieval for a new one.", valueName: "recipe"))
    var embedding: String?

    @Option(help: ArgumentHelp("Threads for encoding and search (default: the number of CPUs).", valueName: "n"))
    var threads: String?

    @Option(help: ArgumentHelp("Largest accepted image, in bytes (default 67108864 = 64 MiB). Larger messages are refused with RESOURCE_EXHAUSTED.", valueName: "bytes"))
    var maxImageBytes: String?

    @Option(help: ArgumentHelp("Largest accepted image, in pixels (default 100000000).", valueName: "pixels"))
    var maxImagePixels: String?

    @Option(help: ArgumentHelp("Index of new collections: FLAT (exact, default), HNSW, or IVF_FLAT (Milvus only).", valueName: "type"))
    var index: String?

    @Option(help: ArgumentHelp("Distance of new collections: L2 (default), IP or COSINE.", valueName: "metric"))
    var metric: String?

    @Option(name: .customLong("index-param"), help: ArgumentHelp("Index parameter, repeatable: M=16, efConstruction=200, ef=64 (HNSW); nlist=1024, nprobe=16 (IVF_FLAT).", valueName: "name=value"))
    var indexParam: [String] = []

    @Option(help: ArgumentHelp("Whether image searches also match the query turned by 90°, 180° and 270° when a request does not say: on (default) or off.", valueName: "on|off"))
    var matchRotations: String?

    @Option(help: ArgumentHelp("Whether searches verify their nearest candidates geometrically (local features + RANSAC) when neither the request nor the collection's own setting (isctl configure) says: on (default) or off.", valueName: "on|off"))
    var verify: String?

    @Option(help: ArgumentHelp("How many of the nearest candidates a verified search checks (default 40, at most 1000): more finds more heavily edited copies, and costs about 0.7 ms of CPU per candidate.", valueName: "n"))
    var verifyCandidates: String?

    @Option(help: ArgumentHelp("Store and search in this Milvus server instead of the embedded index: host:port or unix:PATH.", valueName: "address"))
    var milvus: String?

    @Option(help: ArgumentHelp("Milvus collection holding the default collection (default imagesearch_default; others are imagesearch_<name>).", valueName: "name"))
    var milvusCollection: String?

    @Option(help: ArgumentHelp("Milvus credentials: user:password or an API token (also IMAGESEARCHD_MILVUS_TOKEN, better than a flag).", valueName: "token"))
    var milvusToken: String?

    @Option(help: ArgumentHelp("Milvus database (default: the server's default).", valueName: "name"))
    var milvusDatabase: String?

    @Option(help: ArgumentHelp("trace, debug, info (default), notice, warning, error or critical.", valueName: "level"))
    var logLevel: String?

    @Option(help: ArgumentHelp("Configuration file (default /etc/imagesearchd/imagesearchd.conf when it exists; also IMAGESEARCHD_CONFIG).", valueName: "file"))
    var config: String?

    func value(_ key: String) -> String? {
        switch key {
        case "socket": socket
        case "socket-mode": socketMode
        case "data-dir": dataDir
        case "model": model
        case "embedding": embedding
        case "threads": threads
        case "max-image-bytes": maxImageBytes
        case "max-image-pixels": maxImagePixels
        case "index": index
        case "metric": metric
        case "match-rotations": matchRotations
        case "verify": verify
        case "verify-candidates": verifyCandidates
        case "log-level": logLevel
        case "milvus": milvus
        case "milvus-collection": milvusCollection
        case "milvus-token": milvusToken
        case "milvus-database": milvusDatabase
        default: nil
        }
    }

    func list(_ key: String) -> [String] {
        key == "index-param" ? indexParam : []
    }
}
