#pragma once

#include <cstddef>
#include <string>

// `--threads N` of `spikeforge run` and `spikeforge simulate`: how many threads step the cores of
// the functional target and of the fixed backend. Their results are the same on any number.
namespace sf::cli {

struct thread_count {
    std::size_t threads = 1;
    bool given = false; // on the command line, not this machine's default
};

// The most --threads accepts: far beyond any machine's cores, and few enough to start.
constexpr std::size_t max_threads = 1024;

// The default: this machine's hardware threads, at least 1.
std::size_t machine_threads();

// Reads --threads' text into `count`; when the option was not `given`, the machine's default.
// Returns what is wrong with the text, or an empty string.
std::string read_thread_count(const std::string& text, bool given, thread_count& count);

} // namespace sf::cli
