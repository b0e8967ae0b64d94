#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <sf/firmware/protocol/messages.hpp>

// The populations of a board image (docs/image-format.md) as a program drives them: each
// population's cells with the routing key a spike of that cell carries, and the simulation's time
// step and length. Live input and output by population name go through here.
namespace sf::host {

struct population {
    std::string name;
    std::vector<std::uint32_t> keys;                   // by cell index
    std::vector<firmware::protocol::key_filter> cores; // key and mask of each core holding cells
    // The image's group labels did not tell which cell each neuron is (find() refuses it).
    bool ambiguous = false;
};

// Where a routing key belongs: a population's index in image_populations::all() and its cell.
struct cell_ref {
    std::size_t population = 0;
    std::uint32_t cell = 0;
};

class image_populations {
public:
    // Reads an image's machine and core sections. Throws usage_error when the image is refused
    // by the image check (the message names the word and section) or its group labels are not
    // `population[first..last]`.
    static image_populations read(const std::vector<std::uint32_t>& image_words);

    double dt() const { return dt_; }
    std::uint64_t steps() const { return steps_; }
    const std::vector<population>& all() const { return populations_; }
    // The population of that name; throws usage_error listing the populations when none is.
    const population& find(const std::string& name) const;
    std::size_t index_of(const std::string& name) const;
    // The cell a key belongs to; false when it is no cell's.
    bool cell_of(std::uint32_t key, cell_ref& where) const;
    // The key filters that let the named populations' spikes out (one per core).
    std::vector<firmware::protocol::key_filter>
    filters(const std::vector<std::string>& names) const;
    // "a, b, c": the names, for messages.
    std::string names() const;

private:
    void add_group(const std::string& name, const std::vector<std::uint32_t>& members,
                   std::uint32_t neurons);
    std::size_t index_of_any(const std::string& name) const;
    void add_cell(std::size_t population, std::uint32_t cell, std::uint32_t key);

    double dt_ = 0.0;
    std::uint64_t steps_ = 0;
    std::vector<population> populations_;
    std::unordered_map<std::uint32_t, cell_ref> by_key_;
};

} // namespace sf::host
