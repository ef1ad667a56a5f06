#!/usr/bin/env bash
# Installs the Debian 12 packages Tenet needs to build and test. Safe to run
# again: it only asks apt for the packages that are missing.
set -euo pipefail

# With --build-only, only what building the tenet program needs (for a CI
# job that uses Tenet on a policy repository); by default, also what Tenet's
# own tests need.
build_only=false
if [ "${1:-}" = "--build-only" ]; then build_only=true; fi

packages=(
  build-essential cmake pkg-config git python3
  antlr4 libantlr4-runtime-dev
  libfmt-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libgit2-dev rapidjson-dev
)
if ! $build_only; then
  packages+=(
    catch2 python3-jsonschema
    # The fuzz targets: clang with libFuzzer and the sanitizers' runtimes.
    clang libclang-rt-14-dev
    # Tests of the generated site: HTML validation, rendering to PNG and PDF.
    tidy chromium poppler-utils fonts-dejavu-core
    # Tests in the tools users work with: an editor as the language server's
    # client, and the git hooks.
    neovim pre-commit
    # The benchmark kit (bench/): reference tools measured against Tenet.
    pandoc jq time
  )
  # The VS Code extension is built with Node.js and npm; a Node.js installed
  # another way (Node 20, for @vscode/vsce 3) is used when there is one.
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
  fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "error: these packages are missing and this user cannot install them: ${missing[*]}" >&2
    exit 2
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
