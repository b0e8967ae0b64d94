#pragma once

#include <string>
#include <vector>

#include <sf/lems/loader.hpp>
#include <sf/mapper/map_network.hpp>

#include "remote_run.hpp"

// The board-image commands of `spikeforge`: map a model to an image, inspect an image, run an
// image (or a model mapped on the fly) on the functional emulator or on a board by URL.
namespace sf::cli {

struct image_job {
    std::vector<std::string> include_paths;
    bool builtin_core_types = true;
    std::string board = "spinn5";
    mapper::map_options options;
};

// Exit codes as main's: 0 done, 1 failed, 2 bad input.
int map_command(const std::string& model_file, const std::string& image_file, const image_job& job);
int inspect_command(const std::string& image_file);
// Runs on `target` in this process, or, when `remote.url` is set, on the board or server it
// names (the rest of `remote` says what to exchange live).
int run_command(const std::string& input, const std::string& target, const std::string& out_dir,
                const image_job& job, remote_run_options remote = {});

} // namespace sf::cli
