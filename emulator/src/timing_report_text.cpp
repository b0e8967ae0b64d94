#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include <sf/emulator/chip_network.hpp>
#include <sf/emulator/timed_board.hpp>

namespace sf::emulator {
namespace {

// The core with the largest step, or null.
const timing_report::core_line* busiest(const timing_report& r) {
    const auto most =
        std::max_element(r.cores.begin(), r.cores.end(),
                         [](const auto& a, const auto& b) { return a.max_cycles < b.max_cycles; });
    return most == r.cores.end() ? nullptr : &*most;
}

std::string place(const timing_report::core_line& c) {
    return "core " + std::to_string(c.core) + " of chip (" + std::to_string(c.x) + "," +
           std::to_string(c.y) + ")";
}

void write_cores(std::ostream& out, const timing_report& r) {
    out << "cores (cycles per step against a budget of " << r.budget << "):\n";
    for (const auto& c : r.cores) {
        out << "  chip (" << c.x << "," << c.y << ") core " << c.core << ": mean "
            << std::llround(c.mean_cycles) << ", max " << c.max_cycles << " ("
            << std::setprecision(3)
            << 100.0 * static_cast<double>(c.max_cycles) /
                   static_cast<double>(std::max<std::uint64_t>(r.budget, 1))
            << " %), " << c.packets << " packets, " << c.overruns << " overruns, " << c.late_rows
            << " late rows\n";
    }
}

void write_network(std::ostream& out, const timing_report& r) {
    out << "links (packets, share of the run sending):\n";
    for (const auto& l : r.links) {
        out << "  chip (" << l.x << "," << l.y << ") " << chip_network::link_name(l.direction)
            << ": " << l.packets << ", " << std::setprecision(3) << 100.0 * l.utilisation << " %\n";
    }
    out << "routers (packets, high-water marks of link inputs, core inputs and link outputs, "
           "packets that waited, wait1 and wait2 expiries):\n";
    for (const auto& t : r.routers) {
        out << "  chip (" << t.x << "," << t.y << "): " << t.packets << ", " << t.input_high_water
            << "/" << t.local_high_water << "/" << t.output_high_water << ", " << t.waited << ", "
            << t.wait1_expired << ", " << t.wait2_expired << "\n";
    }
}

} // namespace

double timing_report::worst_load() const {
    double worst = 0.0;
    for (const auto& c : cores) {
        worst = std::max(worst, static_cast<double>(c.max_cycles) /
                                    static_cast<double>(std::max<std::uint64_t>(budget, 1)));
    }
    return worst;
}

void write_report(std::ostream& out, const timing_report& r) {
    const auto flags = out.flags();
    out << "timing: " << r.steps << " steps of " << r.dt * 1e3 << " ms (" << r.step_seconds * 1e6
        << " us on the board), " << r.router_cycles << " router cycles simulated in "
        << std::setprecision(3) << r.wall_seconds << " s\n";
    write_cores(out, r);
    write_network(out, r);
    out << "overruns " << r.overruns << ", late rows " << r.late_rows << " (" << r.late_words
        << " words, each added one step late), emergency routes " << r.emergency_routed
        << ", dropped " << r.dropped << ", re-injected " << r.reinjected << ", lost " << r.lost
        << " (" << r.missing_words
        << " synaptic words never delivered), stopped after too many hops " << r.hop_limited
        << "\n";
    out.flags(flags);
}

std::string real_time_verdict(const timing_report& r) {
    std::ostringstream line;
    line << std::setprecision(3);
    const timing_report::core_line* most = busiest(r);
    const double load = r.worst_load();
    if (r.real_time() && load <= 1.0) {
        line << "runs in real time: the busiest core"
             << (most != nullptr ? " (" + place(*most) + ")" : std::string()) << " uses "
             << 100.0 * load << " % of its step, no packet dropped";
        return line.str();
    }
    line << "does not run in real time:";
    if (most != nullptr && load > 1.0) {
        line << " " << place(*most) << " needs " << most->max_cycles << " cycles in a step of "
             << r.budget << "; lengthen the time step to at least " << r.dt * 1e3 * load
             << " ms (or slow the board by " << load << "x), or spread its neurons over "
             << static_cast<long>(std::ceil(load)) << " cores;";
    }
    if (r.overruns > 0 || r.late_rows > 0) {
        line << " " << r.overruns << " overruns and " << r.late_rows << " rows added late;";
    }
    if (r.dropped > 0) {
        line << " " << r.dropped << " packets dropped (" << r.lost
             << " lost): spread the traffic over more chips or links;";
    }
    std::string text = line.str();
    text.pop_back();
    return text;
}

} // namespace sf::emulator
