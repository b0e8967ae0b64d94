#pragma once

#include <sf/mapper/board.hpp>

namespace sf::mapper {

// One application core of a board: its chip and its index among that chip's application cores
// (0 .. chip::application_cores - 1).
struct core_location {
    chip_coordinates chip;
    int core = 0;

    friend bool operator==(core_location a, core_location b) {
        return a.chip == b.chip && a.core == b.core;
    }
    friend bool operator!=(core_location a, core_location b) { return !(a == b); }
    friend bool operator<(core_location a, core_location b) {
        return a.chip != b.chip ? a.chip < b.chip : a.core < b.core;
    }
};

} // namespace sf::mapper
