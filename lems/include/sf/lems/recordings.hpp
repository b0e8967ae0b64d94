#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

// What a simulation records, in the reference LEMS simulator's file formats: traces as rows of
// tab-separated values printed as 32-bit floats (time first), spikes as one "time<TAB>id" (or
// "id<TAB>time") line per event. Every simulator of the project writes its outputs through here.
namespace sf::lems {

struct recorded_trace {
    std::filesystem::path path;
    std::size_t columns = 0; // recorded quantities, not counting the time column
    std::vector<float> rows; // per sample: the time, then each column
};

struct recorded_events {
    std::filesystem::path path;
    bool id_first = false;                              // ID_TIME rather than TIME_ID
    std::vector<std::pair<double, std::string>> events; // time in seconds, EventSelection id
};

// Writes every file, or none: each goes to a temporary beside its destination and all are renamed
// into place only when every one was written. Returns the paths written, in order (traces first).
// Throws lems::simulation_error when a folder or file cannot be written.
std::vector<std::filesystem::path> write_recordings(const std::vector<recorded_trace>& traces,
                                                    const std::vector<recorded_events>& events);

} // namespace sf::lems
