#include "compare_command.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

#include <sf/plot/plot_error.hpp>
#include <sf/plot/recording_files.hpp>
#include <sf/plot/spike_comparison.hpp>

namespace sf::cli {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_bad_input = 2;

// "0.025ms" as seconds; plot_error naming the option for anything else.
double step_seconds(const std::string& text) {
    const std::string expected = "--dt " + text +
                                 ": expected a positive time with its unit, s, ms or us (for "
                                 "example 0.025ms, the model's Simulation step)";
    std::size_t used = 0;
    double value = 0.0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        throw plot::plot_error(expected);
    }
    const std::string unit = text.substr(used);
    double scale = 0.0;
    if (unit == "s") {
        scale = 1.0;
    } else if (unit == "ms") {
        scale = 1e-3;
    } else if (unit == "us") {
        scale = 1e-6;
    }
    if (scale == 0.0 || !std::isfinite(value) || value <= 0.0) {
        throw plot::plot_error(expected);
    }
    return value * scale;
}

std::string percent(double part, double whole) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %%", whole > 0.0 ? 100.0 * part / whole : 0.0);
    return text;
}

std::string signed_percent(double difference, double whole) {
    if (whole <= 0.0) {
        return "no spikes in the reference";
    }
    char text[32];
    std::snprintf(text, sizeof text, "%+.1f %%", 100.0 * difference / whole);
    return text;
}

} // namespace

CLI::App* add_compare_command(CLI::App& app, compare_arguments& args) {
    CLI::App* compare = app.add_subcommand(
        "compare", "two runs' spikes at a glance: counts, their difference and the share of the "
                   "reference's spikes the other run has within one step");
    compare->add_option("reference", args.reference, "the reference run's spikes (.spikes)")
        ->required();
    compare->add_option("other", args.other, "the other run's spikes (.spikes)")->required();
    compare->add_option("--dt", args.step, "the time step, with its unit (0.025ms)")->required();
    return compare;
}

int compare_command(const compare_arguments& args) {
    try {
        const double step = step_seconds(args.step);
        const plot::spike_record reference = plot::read_spikes(args.reference);
        const plot::spike_record other = plot::read_spikes(args.other);
        const plot::spike_comparison c = plot::compare_spikes(reference, other, step);
        const auto ours = static_cast<double>(c.reference_spikes);
        const auto theirs = static_cast<double>(c.other_spikes);
        std::cout << "reference " << args.reference << ": " << c.reference_spikes << " spikes\n"
                  << "other     " << args.other << ": " << c.other_spikes << " spikes ("
                  << signed_percent(theirs - ours, ours) << " against the reference)\n"
                  << c.cells << " cells fired; " << c.matched << " of the reference's "
                  << c.reference_spikes << " spikes ("
                  << percent(static_cast<double>(c.matched), ours)
                  << ") have one in the other run within one step (" << args.step << ")\n";
    } catch (const plot::plot_error& e) {
        std::cerr << "spikeforge compare: " << e.what() << "\n";
        return exit_bad_input;
    }
    return exit_ok;
}

} // namespace sf::cli
