#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include <sf/lems/progress.hpp>

namespace sf::cli {

// One line on a terminal that says how far a long job has come ("running 12,300/20,000 steps,
// 61%, about 4 s left") and overwrites itself as the job goes on. It stays blank for the first
// half second, so that short jobs do not flicker, is redrawn at most five times a second within a
// phase, and is cleared when the job is done, fails, or this object goes away.
class progress_line {
public:
    // Seconds since any fixed moment; the steady clock unless a test gives its own.
    using clock = std::function<double()>;

    static constexpr double quiet_start_seconds = 0.5;
    static constexpr double redraw_seconds = 0.2;

    progress_line(std::ostream& out, bool enabled, clock now = steady_seconds);
    ~progress_line();
    progress_line(const progress_line&) = delete;
    progress_line& operator=(const progress_line&) = delete;

    // Whether a line is wanted: standard error is a terminal and --quiet was not given.
    static bool wanted_on_stderr(bool quiet);

    // What a job calls; empty when the line is not enabled, so that the job skips even the call.
    lems::progress_callback callback();

    void update(const lems::progress_report& report);
    void clear();

    // The text for a report, `phase_seconds` into its phase of which `phase_done` units were done
    // at its start.
    static std::string describe(const lems::progress_report& report, double phase_seconds,
                                std::uint64_t phase_done);

private:
    static double steady_seconds();
    void draw(const std::string& text);

    std::ostream& out_;
    bool enabled_;
    clock now_;
    double started_ = 0.0;
    std::string phase_;
    double phase_started_ = 0.0;
    std::uint64_t phase_done_ = 0;
    double drawn_at_ = -1.0;
    std::size_t width_ = 0; // of the text on the terminal now; 0 when blank
};

} // namespace sf::cli
