#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/mapper/board.hpp>

// What a board image asks of its board, chip by chip and link by link: the numbers the board
// picture draws.
namespace sf::plot {

struct chip_usage {
    mapper::chip_coordinates where;
    int cores_used = 0;        // core sections placed on the chip
    int application_cores = 0; // what the board gives neurons
    int entries = 0;           // routing table entries the image fills
    int entry_capacity = 0;    // entries the board leaves applications; 0: no table
};

// One direction of a wire. Its load counts, for every neuron of every sending core, whether that
// neuron's key travels the link: the packets it carries in a step in which every neuron fires.
struct link_usage {
    mapper::chip_coordinates from;
    mapper::direction heading = mapper::direction::east;
    double keys = 0;
    bool available = true;
};

struct board_usage {
    std::string image; // the image file, for the title
    std::string board; // the board's name
    mapper::grid_shape grid;
    std::vector<chip_usage> chips; // every available chip of the board, in row order
    std::vector<link_usage> links; // in board::links order
};

// The usage of an image's words on `machine`. plot_error naming the image when its checks fail
// (word and section) or when it places anything on a chip the board does not have.
board_usage usage_on_board(const std::vector<std::uint32_t>& words, const std::string& image_name,
                           const mapper::board& machine);

// The board name an image was mapped for; plot_error when its checks fail.
std::string board_named_in(const std::vector<std::uint32_t>& words, const std::string& image_name);

// An image file on the board given by name or file (`board`), or on the one the image names
// when `board` is empty. plot_error for a bad image; mapper::board_error for an unknown board.
board_usage read_board_usage(const std::filesystem::path& image, const std::string& board);

} // namespace sf::plot
