#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sf/firmware/image_format.hpp>
#include <sf/mapper/board.hpp>
#include <sf/mapper/core_location.hpp>
#include <sf/mapper/routing_keys.hpp>

// Multicast routing tables as a SpiNNaker-like router holds them (docs/routing.md, "Route bits").
namespace sf::mapper {

// A route is a set of outputs (the image's route word, sf/firmware/image_format.hpp): bit d (0 to
// 5) sends on the chip's link towards direction d, bit route_link_bits + c delivers to application
// core c of the chip.
constexpr int route_link_bits = static_cast<int>(firmware::image::link_count);
constexpr int max_routed_cores = static_cast<int>(firmware::image::max_cores_per_chip);

constexpr std::uint32_t link_bit(direction way) {
    return firmware::image::route_to_link(static_cast<unsigned>(way));
}
constexpr std::uint32_t core_bit(int core) {
    return firmware::image::route_to_core(static_cast<unsigned>(core));
}
constexpr std::uint32_t link_bits_of(std::uint32_t route) {
    return route & ((1u << route_link_bits) - 1u);
}

// The outputs of a route in words: "E NE core 3 core 17", or "nothing".
std::string route_string(std::uint32_t route);

// One entry of a router's table: a packet whose key k has (k & mask) == key takes `route`. The
// router tries entries in order and the first that matches wins.
struct route_entry {
    std::uint32_t key = 0;
    std::uint32_t mask = 0;
    std::uint32_t route = 0;

    key_space keys() const { return {key, mask}; }

    friend bool operator==(const route_entry& a, const route_entry& b) {
        return a.key == b.key && a.mask == b.mask && a.route == b.route;
    }
    friend bool operator!=(const route_entry& a, const route_entry& b) { return !(a == b); }
};

struct routing_table {
    chip_coordinates chip;
    std::vector<route_entry> entries;
};

// "(x,y)" and "core c of chip (x,y)", as routing's messages name them.
std::string chip_name(chip_coordinates where);
std::string core_name(core_location where);
// A key in hex, "0x0000a3f0".
std::string key_name(std::uint32_t key);

} // namespace sf::mapper
