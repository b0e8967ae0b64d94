// Key spaces: their arithmetic, checked against every key of a small range, and their
// allocation to sources.
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/routing_keys.hpp>

namespace {

using sf::mapper::allocate_keys;
using sf::mapper::compile_error;
using sf::mapper::key_space;

// Key spaces whose keys all lie in 0x5a00..0x5aff: the upper bits fixed, the low 8 random.
key_space random_space(std::mt19937& random) {
    const auto low_mask = static_cast<std::uint32_t>(random() & 0xffu);
    const auto low_key = static_cast<std::uint32_t>(random() & 0xffu);
    return {(0x5a00u | low_key) & (0xffffff00u | low_mask), 0xffffff00u | low_mask};
}

std::set<std::uint32_t> keys_of(key_space s) {
    std::set<std::uint32_t> keys;
    for (std::uint32_t k = 0x5a00; k <= 0x5aff; ++k) {
        if (sf::mapper::matches(s, k)) {
            keys.insert(k);
        }
    }
    return keys;
}

} // namespace

TEST_CASE("routing keys: intersection, containment and subtraction agree with the keys",
          "[mapper][routing]") {
    const unsigned seed = 20240611;
    INFO("seed " << seed);
    std::mt19937 random(seed);
    for (int round = 0; round < 2000; ++round) {
        const key_space a = random_space(random);
        const key_space b = random_space(random);
        const auto ka = keys_of(a);
        const auto kb = keys_of(b);
        std::set<std::uint32_t> both;
        std::set<std::uint32_t> only_a;
        for (const auto k : ka) {
            (kb.count(k) != 0 ? both : only_a).insert(k);
        }
        REQUIRE(sf::mapper::size(a) == ka.size());
        REQUIRE(sf::mapper::overlaps(a, b) == !both.empty());
        REQUIRE(sf::mapper::contains(a, b) == (both.size() == kb.size()));
        const auto cut = sf::mapper::intersection(a, b);
        REQUIRE(cut.has_value() == !both.empty());
        if (cut) {
            REQUIRE(keys_of(*cut) == both);
        }
        std::set<std::uint32_t> rest;
        std::size_t total = 0;
        for (const key_space& piece : sf::mapper::subtract(a, b)) {
            REQUIRE(sf::mapper::well_formed(piece));
            const auto kp = keys_of(piece);
            total += kp.size();
            rest.insert(kp.begin(), kp.end());
        }
        REQUIRE(total == rest.size()); // pieces are disjoint
        REQUIRE(rest == only_a);
    }
    // A key space with key bits outside its mask holds no key.
    CHECK_FALSE(sf::mapper::well_formed({0x1u, 0xfffffff0u}));
    CHECK(sf::mapper::size({0x1u, 0xfffffff0u}) == 0);
    CHECK_FALSE(sf::mapper::overlaps({0x1u, 0xfffffff0u}, {0x0u, 0x0u}));
    CHECK(sf::mapper::size({0x0u, 0x0u}) == (std::uint64_t{1} << 32));
}

TEST_CASE("routing keys: random source sizes get aligned key spaces that do not overlap",
          "[mapper][routing]") {
    const unsigned seed = 77;
    INFO("seed " << seed);
    std::mt19937 random(seed);
    for (int round = 0; round < 20; ++round) {
        std::vector<int> neurons(1 + random() % 400);
        std::uint64_t expected_total = 0;
        for (int& n : neurons) {
            n = 1 + static_cast<int>(random() % 256);
            std::uint64_t span = 1;
            while (span < static_cast<std::uint64_t>(n)) {
                span *= 2;
            }
            expected_total += span;
        }
        const std::vector<key_space> keys = allocate_keys(neurons);
        REQUIRE(keys.size() == neurons.size());
        std::uint64_t total = 0;
        std::uint32_t highest = 0;
        for (std::size_t i = 0; i < keys.size(); ++i) {
            INFO("source " << i << " with " << neurons[i] << " neurons");
            REQUIRE(sf::mapper::well_formed(keys[i]));
            const std::uint64_t n = sf::mapper::size(keys[i]);
            REQUIRE(n >= static_cast<std::uint64_t>(neurons[i]));
            REQUIRE(n < 2 * static_cast<std::uint64_t>(neurons[i])); // the smallest power of two
            REQUIRE(keys[i].key % n == 0);                           // aligned
            // The neuron index is the low bits: key | index stays in the space.
            REQUIRE(sf::mapper::matches(keys[i],
                                        keys[i].key | static_cast<std::uint32_t>(neurons[i] - 1)));
            total += n;
            highest = std::max(highest, static_cast<std::uint32_t>(keys[i].key + (n - 1)));
        }
        REQUIRE(total == expected_total);
        REQUIRE(static_cast<std::uint64_t>(highest) + 1 == total); // no gaps
        REQUIRE_FALSE(sf::mapper::find_overlap(keys).has_value());
        for (std::size_t i = 0; i < keys.size(); ++i) {
            for (std::size_t j = i + 1; j < keys.size(); ++j) {
                REQUIRE_FALSE(sf::mapper::overlaps(keys[i], keys[j]));
            }
        }
    }
    // Sources of one size sit next to each other in source order.
    const auto same = allocate_keys({200, 3, 256, 4});
    CHECK(same[0] == key_space{0x000, 0xffffff00u});
    CHECK(same[2] == key_space{0x100, 0xffffff00u});
    CHECK(same[1] == key_space{0x200, 0xfffffffcu});
    CHECK(same[3] == key_space{0x204, 0xfffffffcu});
    CHECK(allocate_keys({1})[0] == key_space{0, 0xffffffffu});
    CHECK(allocate_keys({}).empty());
}

TEST_CASE("routing keys: sizes out of range and a key space that runs out are refused",
          "[mapper][routing]") {
    try {
        allocate_keys({4, 0});
        FAIL("allocated keys for a source of no neurons");
    } catch (const compile_error& e) {
        CHECK_THAT(e.message(), Catch::Contains("source 1 has 0 neurons; a source has 1 to 65536"));
    }
    REQUIRE_THROWS_AS(allocate_keys({65537}), compile_error);
    // 65536 sources of 65536 neurons take every key; one more key does not fit.
    std::vector<int> full(65536, 65536);
    const auto all = allocate_keys(full);
    CHECK(all.back() == key_space{0xffff0000u, 0xffff0000u});
    full.push_back(1);
    try {
        allocate_keys(full);
        FAIL("allocated more than 2^32 keys");
    } catch (const compile_error& e) {
        CHECK_THAT(
            e.message(),
            Catch::Contains("65537 sources need 4294967297 keys; a 32-bit key has 4294967296"));
    }
}

TEST_CASE("routing keys: overlapping key spaces are found with any masks", "[mapper][routing]") {
    using sf::mapper::find_overlap;
    CHECK_FALSE(find_overlap({{0x000, 0xffffff00u}, {0x100, 0xffffff00u}}).has_value());
    CHECK(*find_overlap({{0x000, 0xffffff00u}, {0x100, 0xffffff00u}, {0x180, 0xffffff80u}}) ==
          std::pair<std::size_t, std::size_t>{1, 2});
    // Interleaved masks: even and odd keys do not overlap; a block holding both does.
    CHECK_FALSE(find_overlap({{0x0, 0xffffff01u}, {0x1, 0xffffff01u}}).has_value());
    CHECK(*find_overlap({{0x0, 0xffffff01u}, {0x1, 0xffffff01u}, {0x40, 0xffffffc0u}}) ==
          std::pair<std::size_t, std::size_t>{0, 2});
    // A space that holds no key overlaps nothing.
    CHECK_FALSE(find_overlap({{0x1, 0xfffffff0u}, {0x0, 0xfffffff0u}}).has_value());
}
