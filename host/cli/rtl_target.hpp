#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <sf/emulator/board_stepper.hpp>
#include <sf/mapper/board.hpp>

#include "timed_target.hpp"

// The `rtl` target (docs/rtl.md): every core and router of an image Verilated, and Verilated cores
// in place of chosen kernels inside the timed board model (`--rtl-cores`).
namespace sf::cli {

// Which of `count` cores `text` names: "all", or core numbers and ranges separated by commas
// ("0,3-5"). False with `problem` set for anything else or a core beyond the image's.
bool parse_core_list(const std::string& text, std::size_t count, std::vector<bool>& chosen,
                     std::string& problem);

// Swaps the cores `list` names for Verilated ones whose cycle budget is `board`'s; false with
// `problem` set when the list is wrong, the board's neurons are analog or the RTL refuses a core.
bool use_rtl_cores(const std::string& list, const mapper::board& board,
                   emulator::board_parts& parts, std::string& problem);

// A maker for functional_emulator running the whole image on the RTL, the cores' cycle budget from
// the board `options` names (by default the image's).
emulator::board_maker rtl_target_maker(timed_target_options options);

} // namespace sf::cli
