#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace sf::lems {

// How far a long job has come, for a display the caller may keep: the phase it is in and, when
// the phase can count its work, how much of how much is done, in `unit`s ("steps").
struct progress_report {
    std::string_view phase; // empty: the job is done and about to print its results
    std::uint64_t done = 0;
    std::uint64_t total = 0; // 0: the phase cannot say how long it is
    std::string_view unit;
};

// Called at phase changes and every so many units of work (never per neuron or per connection),
// so that a display costs nothing measurable. Empty: nobody is watching.
using progress_callback = std::function<void(const progress_report&)>;

// Steps between two reports of a step loop.
constexpr std::uint64_t progress_interval_steps = 256;

inline void report_progress(const progress_callback& progress, std::string_view phase,
                            std::uint64_t done = 0, std::uint64_t total = 0,
                            std::string_view unit = {}) {
    if (progress) {
        progress(progress_report{phase, done, total, unit});
    }
}

// Said before a job prints its results: a display showing progress clears itself.
inline void report_finished(const progress_callback& progress) { report_progress(progress, {}); }

} // namespace sf::lems
