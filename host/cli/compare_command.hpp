#pragma once

#include <string>

#include <CLI/CLI.hpp>

// `spikeforge compare REFERENCE OTHER --dt STEP`: two runs' spikes at a glance (docs/plot.md).
namespace sf::cli {

struct compare_arguments {
    std::string reference;
    std::string other;
    std::string step; // a time with its unit: 0.025ms, 25us, 2.5e-5s
};

CLI::App* add_compare_command(CLI::App& app, compare_arguments& args);

// Prints both runs' spike counts, their difference and the share of the reference's spikes the
// other run has within one step. Exit status 2, naming the file (and line) or the option and what
// was expected, for bad input.
int compare_command(const compare_arguments& args);

} // namespace sf::cli
