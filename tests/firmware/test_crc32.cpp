// CRC-32 as the image and the protocol compute it: the standard check value, and the table-driven
// update (eight bytes at a time, or a word) against the polynomial applied bit by bit.
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/crc32.hpp>

namespace {

std::uint32_t bit_by_bit(const std::uint8_t* bytes, std::size_t count) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = 0; i < count; ++i) {
        c ^= bytes[i];
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
    }
    return c ^ 0xFFFFFFFFu;
}

constexpr std::uint8_t check_input[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
static_assert(sf::firmware::crc32(check_input, 9) == 0xCBF43926u, "the standard check value");

} // namespace

TEST_CASE("crc32: any length at any alignment gives the polynomial's value", "[firmware][crc]") {
    std::mt19937 random(2026);
    std::vector<std::uint8_t> data(300);
    for (auto& b : data) {
        b = static_cast<std::uint8_t>(random());
    }
    for (std::size_t start = 0; start < 9; ++start) {
        for (std::size_t length = 0; start + length <= data.size(); length += 1 + length / 7) {
            INFO("start " << start << ", length " << length);
            CHECK(sf::firmware::crc32(data.data() + start, length) ==
                  bit_by_bit(data.data() + start, length));
        }
    }
}

TEST_CASE("crc32: a word is its four bytes, least significant first", "[firmware][crc]") {
    std::mt19937 random(7);
    for (int trial = 0; trial < 1000; ++trial) {
        const std::uint32_t state = static_cast<std::uint32_t>(random());
        const std::uint32_t word = static_cast<std::uint32_t>(random());
        const std::uint8_t bytes[] = {
            static_cast<std::uint8_t>(word), static_cast<std::uint8_t>(word >> 8),
            static_cast<std::uint8_t>(word >> 16), static_cast<std::uint8_t>(word >> 24)};
        CHECK(sf::firmware::crc32_update_word(state, word) ==
              sf::firmware::crc32_update(state, bytes, 4));
    }
}
