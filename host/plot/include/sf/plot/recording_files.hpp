#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

// The recordings a run writes (sf/lems/recordings.hpp) read back for drawing: event files of
// "time id" or "id time" lines, and trace files of rows of numbers with the time first.
namespace sf::plot {

struct spike_record {
    std::string name;             // the file, for titles, legends and messages
    std::vector<double> times;    // seconds, one per spike
    std::vector<std::string> ids; // the cell of each spike, as the file names it
};

struct trace_record {
    std::string name;
    std::size_t columns = 0;  // recorded quantities, not counting the time column
    std::vector<double> rows; // per sample: the time in seconds, then each column
};

// Which column holds the time is read from the first line: the field that is a number with a
// decimal point or an exponent (the writers always print one), the first when both or neither
// are. Empty lines are skipped; a file without spikes is a run in which no cell fired. Throws
// plot_error naming name:line and what was expected.
spike_record parse_spikes(std::string_view text, const std::string& name);

// Every line must hold the same number of fields, at least two, each a finite number. Throws
// plot_error naming name:line, or name alone when it holds no samples.
trace_record parse_traces(std::string_view text, const std::string& name);

// The same from files; plot_error when a file cannot be read.
spike_record read_spikes(const std::filesystem::path& file);
trace_record read_traces(const std::filesystem::path& file);

} // namespace sf::plot
