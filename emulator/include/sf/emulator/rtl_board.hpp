#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <sf/emulator/board_stepper.hpp>
#include <sf/firmware/timing.hpp>

// A board image run on the Verilated RTL (docs/rtl.md): its cores as rtl_core, its chips' routing
// decided by rtl_router, stepped in lockstep like the functional emulator, whose outputs it must
// reproduce exactly.
namespace sf::emulator {

// Replaces the cores of `parts` whose entry in `chosen` is true (every core when `chosen` is
// empty) with Verilated cores loaded from their sections, their cycle budget from `timing`. False,
// with `problem` naming the core, when the RTL refuses one.
bool use_rtl_cores(board_parts& parts, const firmware::timing::board_timing& timing,
                   const std::vector<bool>& chosen, std::string& problem);

// A maker for functional_emulator: every core and router Verilated, stepped in lockstep.
board_maker rtl_board_maker(firmware::timing::board_timing timing);

} // namespace sf::emulator
