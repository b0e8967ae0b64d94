// The synaptic word of docs/kernel.md: where its fields are, and the ranges encode refuses.
#include <cstdint>

#include <catch2/catch.hpp>

#include <sf/firmware/synapse.hpp>

namespace {

namespace synapse = sf::firmware::synapse;

std::uint32_t word(std::int32_t weight, std::uint32_t delay, std::uint32_t channel,
                   std::uint32_t target) {
    std::uint32_t w = 0;
    REQUIRE(synapse::encode({weight, delay, channel, target}, w));
    return w;
}

} // namespace

TEST_CASE("synapse: each field is where the document says", "[firmware][synapse]") {
    CHECK(word(-2, 16, 15, 255) == 0xFFFEFFFFu);
    CHECK(word(0x1234, 1, 3, 7) == 0x12340307u);
    const synapse::fields f = synapse::decode(0x8000A5C3u);
    CHECK(f.weight == -32768);
    CHECK(f.delay == 11);
    CHECK(f.channel == 5);
    CHECK(f.target == 0xC3);
    std::uint32_t untouched = 7;
    CHECK_FALSE(synapse::encode({32768, 1, 0, 0}, untouched));
    CHECK_FALSE(synapse::encode({-32769, 1, 0, 0}, untouched));
    CHECK_FALSE(synapse::encode({0, 0, 0, 0}, untouched));
    CHECK_FALSE(synapse::encode({0, 17, 0, 0}, untouched));
    CHECK_FALSE(synapse::encode({0, 1, 16, 0}, untouched));
    CHECK_FALSE(synapse::encode({0, 1, 0, 256}, untouched));
    CHECK(untouched == 7);
}

TEST_CASE("synapse: every word decodes, and encodes back to itself", "[firmware][synapse]") {
    for (std::uint32_t w : {0u, 0xFFFFFFFFu, 0x80000000u, 0x7FFF0F00u, 0x12345678u}) {
        std::uint32_t again = ~w;
        REQUIRE(synapse::encode(synapse::decode(w), again));
        CHECK(again == w);
        CHECK(synapse::route(w) == ((synapse::delay(w) - 1) << 4 | synapse::channel(w)));
    }
}
