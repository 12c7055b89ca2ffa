# Shared by the scripts in this folder: paths and small helpers. Source it; do not run it.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${IMAGESEARCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/imagesearchd}
models=${IMAGESEARCH_MODELS:-${XDG_DATA_HOME:-$HOME/.local/share}/imagesearchd/models}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The Debian packages the build, the tests and the benchmarks need.
debian_packages=(libturbojpeg0-dev libopenblas-dev libpng-dev libwebp-dev libsqlite3-dev protobuf-compiler systemd)

# Installs whichever of the Debian packages are missing.
install_debian_packages() {
    local missing=()
    for package in "${debian_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Builds the release products (the same build the tests use, so nothing compiles twice).
build_release() {
    say "building (release)"
    (cd "$root" && swift build -c release "$@")
}

# Builds protoc-gen-swift and protoc-gen-grpc-swift-2 once, from the same package versions Package.swift
# uses, in $cache/protoc-plugins/.build/release (the folder protoc_plugins names), so that every
# generator script uses the same plugins. Installs Debian's protoc if it is missing.
protoc_plugins="$cache/protoc-plugins/.build/release"
build_protoc_plugins() {
    command -v protoc >/dev/null || { local debian_packages=(protobuf-compiler); install_debian_packages; }
    [ -x "$protoc_plugins/protoc-gen-swift" ] && [ -x "$protoc_plugins/protoc-gen-grpc-swift-2" ] && return
    local plugins="$cache/protoc-plugins"
    say "building the protoc plugins (once, about two minutes)"
    mkdir -p "$plugins/Sources/Plugins"
    cat > "$plugins/Package.swift" <<'SWIFT'
// swift-tools-version:6.1
import PackageDescription
let package = Package(
    name: "protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
    ],
    targets: [.target(name: "Plugins", path: "Sources/Plugins")]
)
SWIFT
    echo "// The package exists to build the protoc plugins of its dependencies." > "$plugins/Sources/Plugins/Plugins.swift"
    (cd "$plugins" && swift build -c release --product protoc-gen-swift && swift build -c release --product protoc-gen-grpc-swift-2)
}
