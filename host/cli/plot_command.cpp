#include <filesystem>
#include <iostream>

#include <sf/mapper/board_error.hpp>
#include <sf/plot/figures.hpp>
#include <sf/plot/output_format.hpp>
#include <sf/plot/plot_error.hpp>

#include "plot_command.hpp"

namespace sf::cli {
namespace {

namespace fs = std::filesystem;

constexpr int exit_ok = 0;
constexpr int exit_bad_input = 2;

void add_window(CLI::App& figure, plot_arguments& args) {
    figure.add_option("--from", args.from_ms, "first time drawn, in ms");
    figure.add_option("--to", args.to_ms, "last time drawn, in ms");
}

void add_output(CLI::App& figure, plot_arguments& args) {
    figure.add_option("-o,--out", args.out,
                      "the picture to write, .png or .svg (default: the first input with .png)");
}

// "1,3" as column numbers; plot_error naming the option for anything else.
std::vector<std::size_t> column_list(const std::string& text) {
    std::vector<std::size_t> columns;
    std::size_t from = 0;
    while (!text.empty() && from <= text.size()) {
        const std::size_t comma = std::min(text.find(',', from), text.size());
        const std::string part = text.substr(from, comma - from);
        std::size_t used = 0;
        unsigned long value = 0;
        try {
            value = part.empty() || part[0] == '-' ? 0 : std::stoul(part, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != part.size() || value == 0) {
            throw plot::plot_error("--columns " + text + ": '" + part +
                                   "' is not a column number (expected numbers from 1, "
                                   "comma-separated, such as 1,3)");
        }
        columns.push_back(value);
        from = comma + 1;
    }
    return columns;
}

bool is_trace_file(const std::string& file) { return fs::path(file).extension() == ".dat"; }

void draw_overlay(const plot_arguments& args, const fs::path& out, const plot::time_window& w) {
    const bool traces = is_trace_file(args.inputs[0]);
    if (traces != is_trace_file(args.inputs[1])) {
        throw plot::plot_error(args.inputs[0] + " and " + args.inputs[1] +
                               " are not the same kind (expected two .dat trace files or two "
                               "spike files)");
    }
    if (!traces && !args.columns.empty()) {
        throw plot::plot_error("--columns " + args.columns +
                               " chooses columns of .dat trace files: spike files have none");
    }
    if (traces) {
        plot::draw_traces({plot::read_traces(args.inputs[0]), plot::read_traces(args.inputs[1])},
                          column_list(args.columns), w, out);
    } else {
        plot::draw_raster({plot::read_spikes(args.inputs[0]), plot::read_spikes(args.inputs[1])}, w,
                          out);
    }
}

void draw(const plot_arguments& args, const fs::path& out) {
    const plot::time_window window{args.from_ms, args.to_ms};
    if (args.raster->parsed()) {
        plot::draw_raster({plot::read_spikes(args.inputs[0])}, window, out);
    } else if (args.traces->parsed()) {
        plot::draw_traces({plot::read_traces(args.inputs[0])}, column_list(args.columns), window,
                          out);
    } else if (args.overlay->parsed()) {
        draw_overlay(args, out, window);
    } else {
        plot::draw_board(plot::read_board_usage(args.inputs[0], args.board), out);
    }
}

} // namespace

CLI::App* add_plot_command(CLI::App& app, plot_arguments& args) {
    CLI::App* plot = app.add_subcommand(
        "plot",
        "draw a run's spikes or traces, or a board image's use of its board, as PNG or SVG");
    plot->require_subcommand(1);
    args.raster = plot->add_subcommand("raster", "spike raster of an event output file");
    args.raster->add_option("file", args.inputs, "spike file ('time id' lines)")
        ->required()
        ->expected(1);
    args.traces = plot->add_subcommand("traces", "line traces of an output file's columns");
    args.traces->add_option("file", args.inputs, "trace file (.dat: time, then values)")
        ->required()
        ->expected(1);
    args.overlay = plot->add_subcommand(
        "overlay", "two runs on one figure: two spike files, or two .dat trace files");
    args.overlay->add_option("files", args.inputs, "the two files")->required()->expected(2);
    for (CLI::App* traces : {args.traces, args.overlay}) {
        traces->add_option("--columns", args.columns,
                           "columns to draw, such as 1,3 (1: the first after the time; default: "
                           "all)");
    }
    for (CLI::App* figure : {args.raster, args.traces, args.overlay}) {
        add_output(*figure, args);
        add_window(*figure, args);
    }
    args.board_picture = plot->add_subcommand(
        "board", "a board image's chips, cores, routing tables and link loads on its board");
    args.board_picture->add_option("image", args.inputs, "board image (.sfimg)")
        ->required()
        ->expected(1);
    args.board_picture->add_option("--board", args.board,
                                   "board NAME or FILE (default: the one the image names)");
    add_output(*args.board_picture, args);
    return plot;
}

int plot_command(const plot_arguments& args) {
    const fs::path out =
        args.out.empty() ? fs::path(args.inputs[0]).replace_extension(".png") : fs::path(args.out);
    try {
        plot::format_of(out);
        for (const std::string& input : args.inputs) {
            if (fs::path(input).lexically_normal() == out.lexically_normal()) {
                throw plot::plot_error(out.string() +
                                       ": the picture would replace its own input (give -o)");
            }
        }
        draw(args, out);
    } catch (const plot::plot_error& e) {
        std::cerr << "spikeforge plot: " << e.what() << "\n";
        return exit_bad_input;
    } catch (const mapper::board_error& e) {
        std::cerr << "spikeforge plot: " << e.what() << "\n";
        return exit_bad_input;
    }
    std::cout << "wrote " << out.string() << "\n";
    return exit_ok;
}

} // namespace sf::cli
