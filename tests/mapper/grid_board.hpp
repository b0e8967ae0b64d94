#pragma once

#include <string>

#include <sf/mapper/board.hpp>
#include <sf/mapper/board_loader.hpp>

namespace sf::mapper::test {

// A board with the given <chips> attributes (size, topology, cores) and body (failed chips, dead
// links), and small cores: for tests where the cores' limits do not matter.
inline board grid_board(const std::string& chips_attributes, const std::string& body = "") {
    return load_board_text(R"(<board name="grid" time_step="1 ms">
<chips )" + chips_attributes + R"( router_entries="8" link_bandwidth="100">
)" + body + R"(</chips>
<core neurons="4" state_words_per_neuron="1" state_memory_words="4" synaptic_memory_bytes="0" program_words="8"
      constant_words="0" lookup_table_words="0" weight_bits="8" delay_slots="1" input_channels="1"/>
</board>
)",
                           "grid.xml");
}

} // namespace sf::mapper::test
