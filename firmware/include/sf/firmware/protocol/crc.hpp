#pragma once

#include <cstddef>
#include <cstdint>

// CRC-32 over bytes (the IEEE polynomial, reflected, as zlib and Ethernet compute it): the check
// of every frame and of every image chunk (docs/protocol.md). Freestanding.
namespace sf::firmware::protocol {

namespace detail {

struct crc_table {
    std::uint32_t entry[256] = {};
};

constexpr crc_table make_crc_table() {
    crc_table t;
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        t.entry[n] = c;
    }
    return t;
}

inline constexpr crc_table crc_bytes = make_crc_table();

} // namespace detail

// A CRC computed over several pieces: start, update with each, then finish.
constexpr std::uint32_t crc32_start = 0xFFFFFFFFu;

constexpr std::uint32_t crc32_update(std::uint32_t state, const std::uint8_t* bytes,
                                     std::size_t count) {
    for (std::size_t b = 0; b < count; ++b) {
        state = detail::crc_bytes.entry[(state ^ bytes[b]) & 0xFFu] ^ (state >> 8);
    }
    return state;
}

constexpr std::uint32_t crc32_finish(std::uint32_t state) { return state ^ 0xFFFFFFFFu; }

constexpr std::uint32_t crc32(const std::uint8_t* bytes, std::size_t count) {
    return crc32_finish(crc32_update(crc32_start, bytes, count));
}

} // namespace sf::firmware::protocol
