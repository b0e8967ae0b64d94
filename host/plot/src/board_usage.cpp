#include <map>

#include <sf/firmware/image.hpp>
#include <sf/mapper/board_error.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/image_file.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_load.hpp>
#include <sf/plot/board_usage.hpp>
#include <sf/plot/plot_error.hpp>

namespace sf::plot {
namespace {

namespace image = firmware::image;

// The image's checks, or plot_error naming the word and section they failed at.
void check(const std::vector<std::uint32_t>& words, const std::string& name) {
    const image::check_result r = image::check_image(words.data(), words.size());
    if (!r) {
        throw plot_error(name + ": word " + std::to_string(r.offset) + ", section " +
                         std::to_string(r.section) + ": " + image::describe(r.what) +
                         (r.field[0] != '\0' ? std::string(" (") + r.field + ")" : std::string()) +
                         " (expected a board image written by spikeforge map)");
    }
}

// The chip and core sections of a checked image, as routing tables and sending cores.
struct image_contents {
    std::vector<mapper::routing_table> tables;
    std::vector<mapper::multicast_source> sources;
    std::vector<double> neurons_of_source;
    std::map<mapper::chip_coordinates, int> cores_on;
};

image_contents contents_of(const std::vector<std::uint32_t>& words) {
    image_contents found;
    image::sections walk(words.data(), words.size());
    image::section_view s;
    while (walk.next(s)) {
        image::cursor c(s.payload, s.payload + s.length);
        if (s.kind == image::section_kind::chip) {
            image::chip_view chip;
            image::read_chip(c, chip);
            mapper::routing_table table{{int(chip.x), int(chip.y)}, {}};
            for (std::uint32_t e = 0; e < chip.entries; ++e) {
                const std::uint32_t* entry = chip.routes + 3 * std::size_t{e};
                table.entries.push_back({entry[0], entry[1], entry[2]});
            }
            found.tables.push_back(std::move(table));
        } else if (s.kind == image::section_kind::core) {
            image::core_view core;
            image::read_core(c, core);
            const mapper::chip_coordinates where{int(core.x), int(core.y)};
            ++found.cores_on[where];
            if (core.sends != 0) {
                found.sources.push_back({{core.key, core.mask}, {where, int(core.core)}, {}});
                found.neurons_of_source.push_back(core.neurons);
            }
        }
    }
    return found;
}

// Every chip the image uses must be one the board has.
void check_chips(const image_contents& found, const std::string& name,
                 const mapper::board& machine) {
    auto refuse = [&](mapper::chip_coordinates where) {
        throw plot_error(name + ": the image uses chip " + mapper::chip_name(where) +
                         ", which board " + machine.name +
                         " does not have (give the board it was mapped for with --board)");
    };
    for (const auto& table : found.tables) {
        if (machine.find_chip(table.chip) == nullptr) {
            refuse(table.chip);
        }
    }
    for (const auto& [where, cores] : found.cores_on) {
        if (machine.find_chip(where) == nullptr) {
            refuse(where);
        }
    }
}

} // namespace

std::string board_named_in(const std::vector<std::uint32_t>& words, const std::string& image_name) {
    check(words, image_name);
    image::sections walk(words.data(), words.size());
    image::section_view s;
    while (walk.next(s)) {
        if (s.kind == image::section_kind::machine) {
            image::cursor c(s.payload, s.payload + s.length);
            image::machine_view m;
            image::read_machine(c, m);
            return std::string(m.board, m.board_length);
        }
    }
    throw plot_error(image_name + ": no machine section (expected a board image)");
}

board_usage usage_on_board(const std::vector<std::uint32_t>& words, const std::string& image_name,
                           const mapper::board& machine) {
    check(words, image_name);
    const image_contents found = contents_of(words);
    check_chips(found, image_name, machine);
    board_usage usage{image_name, machine.name, machine.grid, {}, {}};
    std::map<mapper::chip_coordinates, int> entries_on;
    for (const auto& table : found.tables) {
        entries_on[table.chip] = static_cast<int>(table.entries.size());
    }
    for (const mapper::chip& chip : machine.chips) {
        if (chip.available) {
            const auto cores = found.cores_on.find(chip.coordinates());
            const auto entries = entries_on.find(chip.coordinates());
            usage.chips.push_back(
                {chip.coordinates(), cores == found.cores_on.end() ? 0 : cores->second,
                 chip.application_cores, entries == entries_on.end() ? 0 : entries->second,
                 chip.application_router_entries});
        }
    }
    const std::vector<mapper::link_load> loads =
        mapper::link_loads(machine, found.tables, found.sources, found.neurons_of_source);
    for (std::size_t l = 0; l < machine.links.size(); ++l) {
        usage.links.push_back({machine.links[l].from, machine.links[l].heading,
                               loads[l].packets_per_step, machine.links[l].available});
    }
    return usage;
}

board_usage read_board_usage(const std::filesystem::path& image, const std::string& board) {
    std::vector<std::uint32_t> words;
    try {
        words = mapper::load_image(image);
    } catch (const mapper::image_file_error& e) {
        throw plot_error(e.what());
    }
    const std::string name = image.string();
    if (!board.empty()) {
        return usage_on_board(words, name, mapper::find_board(board));
    }
    const std::string own = board_named_in(words, name);
    try {
        return usage_on_board(words, name, mapper::find_board(own));
    } catch (const mapper::board_error& e) {
        throw plot_error(
            name + ": mapped for board '" + own +
            "', which is not found here (give its description with --board FILE): " + e.what());
    }
}

} // namespace sf::plot
