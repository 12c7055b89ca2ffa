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
