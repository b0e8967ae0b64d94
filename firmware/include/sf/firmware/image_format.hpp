#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/core_config.hpp>
#include <sf/firmware/crc32.hpp>

// The board image's constants and word layouts (docs/image-format.md), and its checksum.
// Freestanding.
namespace sf::firmware::image {

constexpr std::uint32_t magic = 0x4D494653u; // "SFIM"
constexpr std::uint32_t version = 1;
constexpr std::size_t header_words = 6;
constexpr std::size_t section_header_words = 4;
constexpr std::uint32_t constant_column = 0xFFFFFFFFu;
constexpr std::uint32_t max_hold = 1u << 24; // steps a row may wait after its spike arrives

enum class section_kind : std::uint32_t {
    machine = 1,
    chip = 2,
    core = 3,
    recording = 4,
    report = 5
};

// A routing entry's route word: bit d sends the packet out of link d (the six directions of a
// chip), bit link_count + c gives it to application core c of the chip.
constexpr unsigned link_count = 6;
constexpr unsigned max_cores_per_chip = 32 - link_count;
constexpr std::uint32_t route_to_link(unsigned direction) { return 1u << direction; }
constexpr std::uint32_t route_to_core(unsigned core) { return 1u << (link_count + core); }

// A core's key names its neurons in the low bits: a packet's key is the core's key | neuron.
constexpr unsigned neuron_key_bits = 8;
static_assert((std::size_t{1} << neuron_key_bits) == max_neurons,
              "a key's neuron bits span a core");

// A lookup table's shape word: step (bits 7-0) and log2 of its intervals (bits 15-8); the other
// bits are zero.
struct table_shape {
    std::uint8_t step = 0;
    std::uint8_t log2_intervals = 0;
};
constexpr std::uint32_t encode_shape(table_shape shape) {
    return std::uint32_t{shape.step} | std::uint32_t{shape.log2_intervals} << 8;
}
constexpr table_shape decode_shape(std::uint32_t word) {
    return {static_cast<std::uint8_t>(word & 0xFFu),
            static_cast<std::uint8_t>((word >> 8) & 0xFFu)};
}
// Whether a shape word is one encode_shape writes for a table within the kernel's limits.
constexpr bool valid_shape(std::uint32_t word) {
    const table_shape shape = decode_shape(word);
    return (word >> 16) == 0 && shape.step <= isa::max_table_step &&
           shape.log2_intervals <= isa::max_table_log2_intervals;
}
// Words of one table in a core section: x0, the shape word, then 2^log2_intervals + 1 samples.
constexpr std::size_t table_words(table_shape shape) {
    return 2 + (std::size_t{1} << shape.log2_intervals) + 1;
}

// CRC-32 of the words' bytes, little-endian.
constexpr std::uint32_t checksum(const std::uint32_t* words, std::size_t count) {
    std::uint32_t c = crc32_start;
    for (std::size_t w = 0; w < count; ++w) {
        c = crc32_update_word(c, words[w]);
    }
    return crc32_finish(c);
}

} // namespace sf::firmware::image
