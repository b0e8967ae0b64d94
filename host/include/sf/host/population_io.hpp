#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sf/host/board_client.hpp>
#include <sf/host/image_populations.hpp>

// Live input and output by population name and cell index instead of routing key: what a
// closed-loop program thinks in. by_population() turns it into the key_io a lockstep run takes.
namespace sf::host {

// Cell indices by population name.
using population_spikes = std::map<std::string, std::vector<std::uint32_t>>;

struct population_io {
    std::vector<std::string> inputs;  // populations the program's spikes go to
    std::vector<std::string> outputs; // populations whose spikes the program receives
    // The cells of each input population that spike at `step` (populations left out: none).
    std::function<population_spikes(std::uint32_t step)> input;
    // The cells of each output population that spiked at `step` (every output population is
    // present, with an empty list when none spiked).
    std::function<void(std::uint32_t step, const population_spikes& spiked)> output;
};

// Checks the names (a usage_error lists the image's populations when one is unknown) and
// returns the key-level callbacks; `pops` must outlive them. A cell index outside its population,
// or spikes for a population not among `inputs`, is a usage_error when the run meets it.
key_io by_population(const image_populations& pops, const population_io& io);

} // namespace sf::host
