// Route bits and names in routing's messages (docs/routing.md, "Route bits").
#include <cstdio>

#include <sf/mapper/routing_table.hpp>

namespace sf::mapper {

std::string route_string(std::uint32_t route) {
    std::string text;
    const auto add = [&text](const std::string& word) { text += text.empty() ? word : " " + word; };
    for (int d = 0; d < route_link_bits; ++d) {
        if ((route & (1u << d)) != 0) {
            add(to_string(static_cast<direction>(d)));
        }
    }
    for (int c = 0; c < max_routed_cores; ++c) {
        if ((route & core_bit(c)) != 0) {
            add("core " + std::to_string(c));
        }
    }
    return text.empty() ? "nothing" : text;
}

std::string chip_name(chip_coordinates where) {
    return "(" + std::to_string(where.x) + "," + std::to_string(where.y) + ")";
}

std::string core_name(core_location where) {
    return "core " + std::to_string(where.core) + " of chip " + chip_name(where.chip);
}

std::string key_name(std::uint32_t key) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", key);
    return text;
}

} // namespace sf::mapper
