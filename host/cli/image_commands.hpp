#pragma once

#include <string>
#include <vector>

#include <sf/emulator/spike_exchange.hpp>
#include <sf/lems/loader.hpp>
#include <sf/mapper/map_network.hpp>

#include "remote_run.hpp"
#include "thread_count.hpp"

// The board-image commands of `spikeforge`: map a model to an image, inspect an image, run an
// image (or a model mapped on the fly) on the functional emulator, on the timed board model or on
// a board by URL.
namespace sf::cli {

struct image_job {
    std::vector<std::string> include_paths;
    bool builtin_core_types = true;
    std::string board = "spinn5";
    bool board_given = false; // --board was on the command line, not the default
    std::string report_file;  // --report: the JSON report to write (docs/reports.md), or empty
    std::string native_code = "auto"; // --native-code: auto, always or never (functional target)
    mapper::map_options options;
};

// Exit codes as main's: 0 done, 1 failed, 2 bad input.
int map_command(const std::string& model_file, const std::string& image_file, const image_job& job);
int inspect_command(const std::string& image_file);
// How the systemc target runs (docs/timing.md); refused with any other target.
struct timed_run_options {
    std::string trace_file;    // a VCD file of the model's signals
    std::string trace_signals; // comma-separated names or patterns; "list" prints the names
    bool real_time_check = false;
    std::string rtl_cores; // cores that run as Verilated RTL in the model: "all" or "0,3-5"
};

// Runs on `target` in this process, or, when `remote.url` is set, on the board or server it
// names (the rest of `remote` says what to exchange live). The functional target steps its cores
// on `threads`; the others run on one and refuse more given on the command line. With `ranks`,
// this process is one rank of a functional run spread over several (rank_run.hpp).
int run_command(const std::string& input, const std::string& target, const std::string& out_dir,
                const image_job& job, remote_run_options remote = {},
                const timed_run_options& timed = {}, const thread_count& threads = {},
                emulator::spike_exchange* ranks = nullptr);

} // namespace sf::cli
