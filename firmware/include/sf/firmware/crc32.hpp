#pragma once

#include <cstddef>
#include <cstdint>

// CRC-32 (the IEEE polynomial, reflected, as zlib and Ethernet compute it): the checksum of the
// board image's header and sections (over their words' little-endian bytes) and of every protocol
// frame and image chunk. Freestanding.
namespace sf::firmware {

namespace detail {

// Eight tables, so that eight bytes are folded in per step (the "slicing" method): table 0 is
// the classic byte table; table k is the CRC of a byte followed by k zero bytes.
struct crc32_tables {
    std::uint32_t entry[8][256] = {};
};

constexpr crc32_tables make_crc32_tables() {
    crc32_tables t;
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        t.entry[0][n] = c;
    }
    for (int k = 1; k < 8; ++k) {
        for (std::uint32_t n = 0; n < 256; ++n) {
            const std::uint32_t previous = t.entry[k - 1][n];
            t.entry[k][n] = (previous >> 8) ^ t.entry[0][previous & 0xFFu];
        }
    }
    return t;
}

inline constexpr crc32_tables crc32_table = make_crc32_tables();

constexpr std::uint32_t load_le32(const std::uint8_t* b) {
    return std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 |
           std::uint32_t{b[3]} << 24;
}

// Four bytes already folded into the state (state ^ their little-endian word), pushed through
// the tables that stand `skip` bytes further back.
constexpr std::uint32_t crc32_fold4(std::uint32_t s, int skip) {
    const auto& t = crc32_table.entry;
    return t[skip + 3][s & 0xFFu] ^ t[skip + 2][(s >> 8) & 0xFFu] ^ t[skip + 1][(s >> 16) & 0xFFu] ^
           t[skip][s >> 24];
}

} // namespace detail

// A CRC computed over several pieces: start, update with each, then finish.
constexpr std::uint32_t crc32_start = 0xFFFFFFFFu;

constexpr std::uint32_t crc32_update(std::uint32_t state, std::uint8_t byte) {
    return detail::crc32_table.entry[0][(state ^ byte) & 0xFFu] ^ (state >> 8);
}

constexpr std::uint32_t crc32_update(std::uint32_t state, const std::uint8_t* bytes,
                                     std::size_t count) {
    for (; count >= 8; bytes += 8, count -= 8) {
        state = detail::crc32_fold4(state ^ detail::load_le32(bytes), 4) ^
                detail::crc32_fold4(detail::load_le32(bytes + 4), 0);
    }
    for (std::size_t b = 0; b < count; ++b) {
        state = crc32_update(state, bytes[b]);
    }
    return state;
}

// The four bytes of a word, least significant first.
constexpr std::uint32_t crc32_update_word(std::uint32_t state, std::uint32_t word) {
    return detail::crc32_fold4(state ^ word, 0);
}

constexpr std::uint32_t crc32_finish(std::uint32_t state) { return state ^ 0xFFFFFFFFu; }

constexpr std::uint32_t crc32(const std::uint8_t* bytes, std::size_t count) {
    return crc32_finish(crc32_update(crc32_start, bytes, count));
}

} // namespace sf::firmware
