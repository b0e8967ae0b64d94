#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sf::conformance {

// The NeuroML2/LEMS example models with the reference simulator's outputs. Found through the
// SF_CONFORMANCE_DIR environment variable, else the build's default location.
std::optional<std::filesystem::path> corpus_dir();

// What to tell the user when corpus_dir() finds nothing: where it looked and how to point it
// elsewhere.
std::string corpus_missing();

// A whitespace-separated table, read from a plain or gzip-compressed file.
std::vector<std::vector<std::string>> read_table(const std::filesystem::path& file);

// The reference output with this file name for an example (derived/ before original/, .gz or
// plain); empty when there is none.
std::filesystem::path reference_for(const std::filesystem::path& corpus, const std::string& example,
                                    const std::string& file_name);

struct trace_deviation {
    double max_relative = 0.0; // max |ours - reference| / range of the reference column
    int worst_column = -1;
    std::string problem; // non-empty when the files cannot be compared
};

// Compares two recorded tables column by column, relative to each reference column's range.
trace_deviation compare_traces(const std::vector<std::vector<std::string>>& ours,
                               const std::vector<std::vector<std::string>>& reference);

struct spike_comparison {
    std::size_t trains = 0;
    std::size_t spikes = 0;
    std::size_t count_mismatches = 0;
    double max_time_error = 0.0; // seconds
    std::string problem;
};

// Compares spike files (TIME_ID or ID_TIME) train by train.
spike_comparison compare_spikes(const std::vector<std::vector<std::string>>& ours,
                                const std::vector<std::vector<std::string>>& reference,
                                bool id_first);

// An output file against the reference output of the same name: a spike file (".spikes") train
// by train, any other file column by column.
struct file_comparison {
    bool spikes_file = false;
    spike_comparison spikes;
    trace_deviation traces;
    std::size_t reference_rows = 0;
    std::size_t reference_columns = 0; // not counting the time column
};

file_comparison compare_output(const std::filesystem::path& produced,
                               const std::filesystem::path& reference);

} // namespace sf::conformance
