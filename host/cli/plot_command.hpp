#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

// `spikeforge plot`: figures of recordings and of board images (docs/plot.md).
namespace sf::cli {

struct plot_arguments {
    std::vector<std::string> inputs;
    std::string out;     // empty: the first input with .png for its extension
    std::string columns; // traces: comma-separated, 1 = the first column after the time
    std::string board;   // board: NAME or FILE; empty: the image's own
    std::optional<double> from_ms;
    std::optional<double> to_ms;

    CLI::App* raster = nullptr;
    CLI::App* traces = nullptr;
    CLI::App* overlay = nullptr;
    CLI::App* board_picture = nullptr;
};

// Adds `plot` and its four figures to the application.
CLI::App* add_plot_command(CLI::App& app, plot_arguments& args);

// Draws the parsed figure. Exit status 2, with a message naming the file (and line) and what was
// expected, for bad input; nothing is left where the output would have been.
int plot_command(const plot_arguments& args);

} // namespace sf::cli
