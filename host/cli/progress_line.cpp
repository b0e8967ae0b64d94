#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "progress_line.hpp"

namespace sf::cli {
namespace {

// 12300 as "12,300".
std::string grouped(std::uint64_t value) {
    std::string digits = std::to_string(value);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) {
        digits.insert(static_cast<std::size_t>(at), ",");
    }
    return digits;
}

std::string duration(double seconds) {
    const auto whole = static_cast<long long>(std::ceil(seconds));
    if (whole < 60) {
        return std::to_string(whole) + " s";
    }
    if (whole < 3600) {
        return std::to_string(whole / 60) + " min " + std::to_string(whole % 60) + " s";
    }
    return std::to_string(whole / 3600) + " h " + std::to_string(whole % 3600 / 60) + " min";
}

} // namespace

progress_line::progress_line(std::ostream& out, bool enabled, clock now)
    : out_(out), enabled_(enabled), now_(std::move(now)), started_(now_()) {}

progress_line::~progress_line() { clear(); }

bool progress_line::wanted_on_stderr(bool quiet) { return !quiet && ::isatty(STDERR_FILENO) == 1; }

double progress_line::steady_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

lems::progress_callback progress_line::callback() {
    if (!enabled_) {
        return {};
    }
    return [this](const lems::progress_report& report) { update(report); };
}

std::string progress_line::describe(const lems::progress_report& report, double phase_seconds,
                                    std::uint64_t phase_done) {
    std::string text(report.phase);
    if (report.total == 0) {
        return text;
    }
    const std::uint64_t done = std::min(report.done, report.total);
    if (!report.unit.empty()) {
        text += " " + grouped(done) + "/" + grouped(report.total) + " " + std::string(report.unit);
        text += ",";
    }
    const auto percent =
        static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(report.total));
    text += " " + std::to_string(percent) + "%";
    // An estimate needs some of the phase's own work behind it: the rate of the work since the
    // phase began, which leaves out whatever came before it.
    if (done > phase_done && phase_seconds >= quiet_start_seconds) {
        const double rate = static_cast<double>(done - phase_done) / phase_seconds;
        text += ", about " + duration(static_cast<double>(report.total - done) / rate) + " left";
    }
    return text;
}

void progress_line::update(const lems::progress_report& report) {
    if (!enabled_) {
        return;
    }
    if (report.phase.empty()) {
        clear();
        return;
    }
    const double now = now_();
    const bool new_phase = report.phase != phase_;
    if (new_phase) {
        phase_ = std::string(report.phase);
        phase_started_ = now;
        phase_done_ = report.done;
    }
    if (now - started_ < quiet_start_seconds) {
        return;
    }
    if (!new_phase && width_ > 0 && now - drawn_at_ < redraw_seconds) {
        return;
    }
    drawn_at_ = now;
    draw(describe(report, now - phase_started_, phase_done_));
}

void progress_line::draw(const std::string& text) {
    // Spaces over what a longer previous text left, then back to where the text ends.
    const std::size_t cover = width_ > text.size() ? width_ - text.size() : 0;
    out_ << '\r' << text << std::string(cover, ' ') << std::string(cover, '\b');
    out_.flush();
    width_ = text.size();
}

void progress_line::clear() {
    if (width_ == 0) {
        return;
    }
    out_ << '\r' << std::string(width_, ' ') << '\r';
    out_.flush();
    width_ = 0;
}

} // namespace sf::cli
