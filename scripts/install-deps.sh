#!/usr/bin/env bash
# Installs the Debian packages spikeforge builds and tests with, when any is missing.
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config make
    libpugixml-dev catch2 libcli11-dev zlib1g-dev
    verilator yosys libsystemc-dev libboost-dev libusb-1.0-0-dev umockdev libumockdev-dev
    libcairo2-dev libfontconfig-dev nlohmann-json3-dev libopenmpi-dev openmpi-bin
    clang libclang-rt-14-dev clang-format-14 gcc-arm-none-eabi libstdc++-arm-none-eabi-dev
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo_cmd=(sudo)
    fi
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
