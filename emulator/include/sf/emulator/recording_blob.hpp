#pragma once

#include <cstdint>
#include <vector>

#include <sf/emulator/functional.hpp>

// The recordings of an emulated board as the bytes `read_recording` serves (docs/protocol.md,
// "Recordings"): the host decodes them and writes the files with the writer `spikeforge run`
// uses, so every value travels with its exact bits.
namespace sf::emulator {

constexpr std::uint32_t recording_magic = 0x43524653; // the bytes S F R C
constexpr std::uint32_t recording_version = 1;

std::vector<std::uint8_t> encode_recording(const std::vector<recorded_trace>& traces,
                                           const std::vector<recorded_events>& events);

} // namespace sf::emulator
