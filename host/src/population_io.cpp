#include <algorithm>
#include <string>

#include <sf/host/host_errors.hpp>
#include <sf/host/population_io.hpp>

namespace sf::host {

namespace {

std::vector<std::uint32_t> input_keys(const image_populations& pops, const population_io& io,
                                      std::uint32_t step) {
    std::vector<std::uint32_t> keys;
    for (const auto& [name, cells] : io.input(step)) {
        if (std::find(io.inputs.begin(), io.inputs.end(), name) == io.inputs.end()) {
            throw usage_error("step " + std::to_string(step) + ": spikes for population '" + name +
                              "', which is not a live input");
        }
        const population& p = pops.find(name);
        for (const std::uint32_t cell : cells) {
            if (cell >= p.keys.size()) {
                throw usage_error("step " + std::to_string(step) + ": population '" + name +
                                  "' has " + std::to_string(p.keys.size()) + " cells, not cell " +
                                  std::to_string(cell));
            }
            keys.push_back(p.keys[cell]);
        }
    }
    return keys;
}

} // namespace

key_io by_population(const image_populations& pops, const population_io& io) {
    for (const auto& name : io.inputs) {
        pops.find(name);
    }
    std::vector<std::size_t> outputs;
    for (const auto& name : io.outputs) {
        pops.find(name);
        outputs.push_back(pops.index_of(name));
    }
    key_io keys;
    if (io.input) {
        keys.input = [&pops, io](std::uint32_t step) { return input_keys(pops, io, step); };
    }
    if (io.output) {
        keys.output = [&pops, io, outputs](std::uint32_t step,
                                           const std::vector<std::uint32_t>& spiked) {
            population_spikes cells;
            for (const auto& name : io.outputs) {
                cells[name];
            }
            for (const std::uint32_t key : spiked) {
                cell_ref where;
                if (pops.cell_of(key, where) &&
                    std::find(outputs.begin(), outputs.end(), where.population) != outputs.end()) {
                    cells[pops.all()[where.population].name].push_back(where.cell);
                }
            }
            io.output(step, cells);
        };
    }
    return keys;
}

} // namespace sf::host
