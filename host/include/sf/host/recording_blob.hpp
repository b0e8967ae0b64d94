#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include <sf/lems/recordings.hpp>

// The recordings a board sends back (read_recording), decoded into the files `spikeforge run`
// writes. The blob is little-endian: u32 magic 0x43524653 ("SFRC"), u32 version 1, u32 trace
// files, each (u32 path length, path, u32 columns c, u32 rows r, r × (1 + c) float32: the time,
// then each column), u32 event files, each (u32 path length, path, u32 id_first 0 or 1, u32
// events, each: float64 time, u32 id length, id). Every length is checked against the bytes left
// before anything is allocated; paths are relative and stay inside the output folder.
namespace sf::host {

constexpr std::uint32_t recording_magic = 0x43524653u;
constexpr std::uint32_t recording_version = 1;

// Paths relative to the output folder.
struct decoded_recordings {
    std::vector<lems::recorded_trace> traces;
    std::vector<lems::recorded_events> events;
};

// Throws usage_error naming the byte offset where the blob is malformed, or the path that would
// leave the output folder (absolute, or with a ".." component).
decoded_recordings decode_recordings(const std::uint8_t* bytes, std::size_t size);
// Writes every file under `out_dir` as lems::write_recordings does (all or none); returns the
// paths written.
std::vector<std::filesystem::path> write_recordings(const decoded_recordings& recordings,
                                                    const std::filesystem::path& out_dir);

} // namespace sf::host
