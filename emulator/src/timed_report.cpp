#include <algorithm>
#include <cstddef>

#include "timed_model.hpp"

// What the timed model measured, gathered into a timing_report, and its traced signals.
namespace sf::emulator {
namespace {

std::string chip_name(const firmware::image::chip_view& chip) {
    return "chip_" + std::to_string(chip.x) + "_" + std::to_string(chip.y);
}

// A name against a pattern in which `*` stands for any text.
bool matches(const std::string& pattern, const std::string& name) {
    std::size_t p = 0, n = 0, star = std::string::npos, resume = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = n;
        } else if (p < pattern.size() && pattern[p] == name[n]) {
            ++p;
            ++n;
        } else if (star != std::string::npos) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

} // namespace

timing_report timed_model::report() const {
    timing_report out = totals_;
    out.dt = dt_;
    out.step_seconds = dt_ / speedup_;
    out.budget = budget_;
    out.steps = step_;
    out.router_cycles = cycles_run_;
    out.wall_seconds = wall_seconds_;
    for (const timed_core& c : cores_) {
        const auto& chip = network_.chip(c.chip);
        timing_report::core_line line;
        line.x = chip.x;
        line.y = chip.y;
        line.core = c.place;
        const std::uint64_t total = c.total_cycles + c.step_cycles;
        line.mean_cycles = step_ > 0 ? static_cast<double>(total) / static_cast<double>(step_) : 0;
        line.max_cycles = std::max(c.max_cycles, c.step_cycles);
        line.overruns = c.overruns;
        line.packets = c.packets;
        line.late_rows = c.late_rows;
        out.overruns += c.overruns;
        out.late_rows += c.late_rows;
        out.late_words += c.late_words;
        out.cores.push_back(line);
    }
    const double run = static_cast<double>(step_) * static_cast<double>(step_ps_);
    for (std::size_t chip = 0; chip < routers_.size(); ++chip) {
        const timed_router& r = routers_[chip];
        const auto& place = network_.chip(chip);
        for (int d = 0; d < static_cast<int>(firmware::image::link_count); ++d) {
            const timed_link& link = r.links[d];
            if (link.packets > 0) {
                out.links.push_back({place.x, place.y, d, link.packets,
                                     run > 0 ? static_cast<double>(link.busy) / run : 0.0});
            }
        }
        if (r.measured.packets > 0) {
            timing_report::router_line line = r.measured;
            line.x = place.x;
            line.y = place.y;
            out.routers.push_back(line);
        }
    }
    return out;
}

std::vector<std::string> timed_model::signal_names() const {
    std::vector<std::string> names = {"board.step", "board.active_routers", "board.dropped"};
    for (std::size_t chip = 0; chip < routers_.size(); ++chip) {
        const std::string name = chip_name(network_.chip(chip));
        names.push_back(name + ".router.waiting");
        names.push_back(name + ".router.blocked");
        for (int d = 0; d < static_cast<int>(firmware::image::link_count); ++d) {
            if (routers_[chip].links[d].to_chip >= 0) {
                names.push_back(name + ".link_" + chip_network::link_name(d) + ".queue");
            }
        }
    }
    for (const timed_core& c : cores_) {
        const std::string name =
            chip_name(network_.chip(c.chip)) + ".core_" + std::to_string(c.place);
        names.push_back(name + ".busy");
        names.push_back(name + ".queue");
    }
    return names;
}

// The values behind signal_names(), in the same order.
void timed_model::trace(const timed_board_config& config, std::string& problem) {
    std::vector<const std::uint32_t*> values = {&traced_step_, &traced_active_routers_,
                                                &traced_dropped_};
    for (const timed_router& r : routers_) {
        values.push_back(&r.traced_inputs);
        values.push_back(&r.traced_blocked);
        for (const timed_link& link : r.links) {
            if (link.to_chip >= 0) {
                values.push_back(&link.traced_queue);
            }
        }
    }
    for (const timed_core& c : cores_) {
        values.push_back(&c.traced_busy);
        values.push_back(&c.traced_queue);
    }
    const std::vector<std::string> names = signal_names();
    const std::vector<std::string> wanted = config.trace_signals.empty()
                                                ? std::vector<std::string>{"board.*", "*.router.*"}
                                                : config.trace_signals;
    std::vector<bool> chosen(names.size(), false);
    for (const std::string& pattern : wanted) {
        bool any = false;
        for (std::size_t k = 0; k < names.size(); ++k) {
            if (matches(pattern, names[k])) {
                chosen[k] = any = true;
            }
        }
        if (!any) {
            problem = "no signal is named '" + pattern + "' (signals are named like board.step, " +
                      names.back() + ", *.router.waiting; --trace-signals list shows them all)";
            return;
        }
    }
    for (std::size_t k = 0; k < names.size(); ++k) {
        if (chosen[k]) {
            signals_.emplace_back(names[k], values[k]);
        }
    }
    tracing_ = true;
    systemc_clock::instance().trace(config.trace_file, signals_, problem);
}

} // namespace sf::emulator
