#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sf/plot/board_usage.hpp>
#include <sf/plot/recording_files.hpp>

// The figures `spikeforge plot` draws. Each writes `out` (PNG or SVG by its extension) whole or
// not at all: it is drawn to a temporary beside it and renamed into place at the end. Bad input
// throws plot_error before anything is written; an output that cannot be written throws
// sf::error.
namespace sf::plot {

// The part of a run to draw, in milliseconds; unset ends follow the data.
struct time_window {
    std::optional<double> from_ms;
    std::optional<double> to_ms;
};

// A spike raster: time on x, one row per cell id on y. Several runs share the axes, each in its
// own colour and half-row, named in a legend.
void draw_raster(const std::vector<spike_record>& runs, const time_window& window,
                 const std::filesystem::path& out);

// Line traces of the chosen columns (1 = the first after the time; empty: every column) of each
// run; a second run is drawn dashed. plot_error when a column is not in a run.
void draw_traces(const std::vector<trace_record>& runs, const std::vector<std::size_t>& columns,
                 const time_window& window, const std::filesystem::path& out);

// The board's chips on their grid, each shaded by the cores it uses and labelled with its routing
// table's fill; the links between them drawn as wide as their load.
void draw_board(const board_usage& usage, const std::filesystem::path& out);

} // namespace sf::plot
