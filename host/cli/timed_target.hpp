#pragma once

#include <string>
#include <vector>

#include <sf/emulator/timed_board.hpp>
#include <sf/mapper/board.hpp>

// The `systemc` target: the timed board model (docs/timing.md) configured from a board
// description, for `spikeforge run` and `spikeforge serve`.
namespace sf::cli {

// The model's configuration for `board`: its clocks and cycle costs, its speed-up, the link rate
// most of its available chips have, and the chips whose links differ from it.
emulator::timed_board_config timed_config(const mapper::board& board);

struct timed_target_options {
    std::string board; // a name or file; empty: the board the image's machine section names
    std::string not_found_hint; // added to the message when the image's own board is not found
    std::string trace_file;
    std::vector<std::string> trace_signals;
    // Cores that run as Verilated RTL instead of the kernel: "all", or numbers and ranges
    // ("0,3-5"); empty for none.
    std::string rtl_cores;
};

// The board a run uses: options.board, or else the one the image names (`named`); false with
// `problem` set when it is not found.
bool resolve_board(const timed_target_options& options, const std::string& named,
                   mapper::board& board, std::string& problem);

// What the maker built, once it has run.
struct timed_target_made {
    emulator::timed_board* board = nullptr;
    std::string board_name;
};

// A maker for functional_emulator that finds the board, checks the image fits its grid and
// builds the timed model on it; a problem with any of these refuses the image.
emulator::board_maker timed_target_maker(timed_target_options options,
                                         timed_target_made* made = nullptr);

} // namespace sf::cli
