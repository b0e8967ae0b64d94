#include <algorithm>

#include <sf/mapper/board.hpp>

namespace sf::mapper {

const char* to_string(direction way) {
    switch (way) {
    case direction::east: return "E";
    case direction::north_east: return "NE";
    case direction::north: return "N";
    case direction::west: return "W";
    case direction::south_west: return "SW";
    case direction::south: return "S";
    }
    return "?";
}

const char* to_string(topology kind) {
    switch (kind) {
    case topology::mesh: return "mesh";
    case topology::torus: return "torus";
    case topology::hexagonal: return "hexagonal";
    }
    return "?";
}

direction opposite(direction way) {
    // Links are numbered round the compass, so the opposite one is three further on.
    return static_cast<direction>((static_cast<int>(way) + 3) % 6);
}

const chip* board::find_chip(chip_coordinates where) const {
    const auto it =
        std::lower_bound(chips.begin(), chips.end(), where,
                         [](const chip& c, chip_coordinates at) { return c.coordinates() < at; });
    return it != chips.end() && it->coordinates() == where ? &*it : nullptr;
}

namespace {

bool link_before(const link& l, chip_coordinates from, direction way) {
    if (l.from != from) {
        return l.from < from;
    }
    return static_cast<int>(l.heading) < static_cast<int>(way);
}

} // namespace

const link* board::find_link(chip_coordinates from, direction way) const {
    const auto it = std::lower_bound(
        links.begin(), links.end(), from,
        [way](const link& l, chip_coordinates at) { return link_before(l, at, way); });
    return it != links.end() && it->from == from && it->heading == way ? &*it : nullptr;
}

std::vector<link> board::links_from(chip_coordinates from) const {
    const auto first =
        std::lower_bound(links.begin(), links.end(), from,
                         [](const link& l, chip_coordinates at) { return l.from < at; });
    const auto last = std::upper_bound(
        first, links.end(), from, [](chip_coordinates at, const link& l) { return at < l.from; });
    return {first, last};
}

std::vector<chip_coordinates> board::neighbours(chip_coordinates from) const {
    std::vector<chip_coordinates> result;
    for (const link& l : links_from(from)) {
        // On a torus two chips wide, E and W lead to the same chip: it is one neighbour.
        if (l.available && std::find(result.begin(), result.end(), l.to) == result.end()) {
            result.push_back(l.to);
        }
    }
    return result;
}

int board::chip_count() const {
    return static_cast<int>(
        std::count_if(chips.begin(), chips.end(), [](const chip& c) { return c.available; }));
}

std::int64_t board::application_core_count() const {
    std::int64_t total = 0;
    for (const chip& c : chips) {
        if (c.available) {
            total += c.application_cores;
        }
    }
    return total;
}

std::int64_t board::neuron_capacity() const { return application_core_count() * core.neurons; }

} // namespace sf::mapper
