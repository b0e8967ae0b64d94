#pragma once

#include <pugixml.hpp>

#include <sf/firmware/timing.hpp>

#include "board_element_reader.hpp"

namespace sf::mapper {

// Reads a board's <timing> element (docs/boards.md): its clocks and cycle costs. Every attribute
// is optional; one left out keeps board_timing's default.
firmware::timing::board_timing read_board_timing(const board_element_reader& reader,
                                                 const pugi::xml_node& node);

} // namespace sf::mapper
