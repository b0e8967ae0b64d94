#pragma once

#include <cstddef>
#include <cstdint>

// CRC-32 (the IEEE polynomial, reflected, as zlib and Ethernet compute it): the checksum of the
// board image's header and sections (over their words' little-endian bytes) and of every protocol
// frame and image chunk. Freestanding.
namespace sf::firmware {

namespace detail {

struct crc32_table {
    std::uint32_t entry[256] = {};
};

constexpr crc32_table make_crc32_table() {
    crc32_table t;
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        t.entry[n] = c;
    }
    return t;
}

inline constexpr crc32_table crc32_bytes = make_crc32_table();

} // namespace detail

// A CRC computed over several pieces: start, update with each, then finish.
constexpr std::uint32_t crc32_start = 0xFFFFFFFFu;

constexpr std::uint32_t crc32_update(std::uint32_t state, std::uint8_t byte) {
    return detail::crc32_bytes.entry[(state ^ byte) & 0xFFu] ^ (state >> 8);
}

constexpr std::uint32_t crc32_update(std::uint32_t state, const std::uint8_t* bytes,
                                     std::size_t count) {
    for (std::size_t b = 0; b < count; ++b) {
        state = crc32_update(state, bytes[b]);
    }
    return state;
}

// The four bytes of a word, least significant first.
constexpr std::uint32_t crc32_update_word(std::uint32_t state, std::uint32_t word) {
    for (int b = 0; b < 4; ++b) {
        state = crc32_update(state, static_cast<std::uint8_t>((word >> (8 * b)) & 0xFFu));
    }
    return state;
}

constexpr std::uint32_t crc32_finish(std::uint32_t state) { return state ^ 0xFFFFFFFFu; }

constexpr std::uint32_t crc32(const std::uint8_t* bytes, std::size_t count) {
    return crc32_finish(crc32_update(crc32_start, bytes, count));
}

} // namespace sf::firmware
