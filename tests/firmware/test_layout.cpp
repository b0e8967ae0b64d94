// The word layouts every part of spikeforge shares: the synaptic word's route, the routing entry's
// route word, the key's neuron bits and the lookup table's shape word, each against the limits it
// must span. A changed constant that breaks one of them fails here (or in the static assertions
// beside the constants) rather than in an executor.
#include <cstdint>

#include <catch2/catch.hpp>

#include <sf/firmware/core_config.hpp>
#include <sf/firmware/core_start.hpp>
#include <sf/firmware/image_format.hpp>
#include <sf/firmware/synapse.hpp>

namespace {

namespace fw = sf::firmware;
namespace image = sf::firmware::image;
namespace synapse = sf::firmware::synapse;

} // namespace

TEST_CASE("layout: every route names one delay and channel, and back", "[firmware][layout]") {
    for (std::uint32_t delay = synapse::min_delay; delay <= synapse::max_delay; ++delay) {
        for (std::uint32_t channel = 0; channel <= synapse::max_channel; ++channel) {
            std::uint32_t word = 0;
            REQUIRE(synapse::encode({-3, delay, channel, synapse::max_target}, word));
            const std::uint32_t route = synapse::route(word);
            REQUIRE(route < synapse::route_count);
            CHECK(synapse::route_delay(route) == delay);
            CHECK(synapse::route_channel(route) == channel);
            CHECK(synapse::decode(word).weight == -3);
            CHECK(synapse::target(word) == synapse::max_target);
        }
    }
    CHECK(synapse::route_count == fw::max_delay_slots * fw::max_input_channels);
}

TEST_CASE("layout: the synaptic word refuses what a core cannot hold", "[firmware][layout]") {
    std::uint32_t word = 0x12345678u;
    CHECK_FALSE(synapse::encode({0, 1, 0, fw::max_neurons}, word));
    CHECK_FALSE(synapse::encode({0, fw::max_delay_slots + 1, 0, 0}, word));
    CHECK_FALSE(synapse::encode({0, 1, fw::max_input_channels, 0}, word));
    CHECK_FALSE(synapse::encode({synapse::max_weight + 1, 1, 0, 0}, word));
    CHECK(word == 0x12345678u);
    REQUIRE(synapse::encode({synapse::min_weight, 1, 0, 0}, word));
    CHECK(synapse::weight(word) == synapse::min_weight);
}

TEST_CASE("layout: route words reach every link and core of a chip", "[firmware][layout]") {
    std::uint32_t all = 0;
    for (unsigned d = 0; d < image::link_count; ++d) {
        CHECK((all & image::route_to_link(d)) == 0);
        all |= image::route_to_link(d);
    }
    for (unsigned c = 0; c < image::max_cores_per_chip; ++c) {
        CHECK((all & image::route_to_core(c)) == 0);
        all |= image::route_to_core(c);
    }
    CHECK(all == 0xFFFFFFFFu);
}

TEST_CASE("layout: a key's neuron bits number every neuron of a core", "[firmware][layout]") {
    CHECK((std::uint32_t{1} << image::neuron_key_bits) == fw::max_neurons);
}

TEST_CASE("layout: table shape words round-trip within the kernel's limits", "[firmware][layout]") {
    for (int step = 0; step <= fw::isa::max_table_step; ++step) {
        for (int log2 = 0; log2 <= fw::isa::max_table_log2_intervals; ++log2) {
            const image::table_shape shape{static_cast<std::uint8_t>(step),
                                           static_cast<std::uint8_t>(log2)};
            const std::uint32_t word = image::encode_shape(shape);
            REQUIRE(image::valid_shape(word));
            CHECK(image::decode_shape(word).step == step);
            CHECK(image::decode_shape(word).log2_intervals == log2);
            CHECK(image::table_words(shape) == 2 + (std::size_t{1} << log2) + 1);
        }
    }
    CHECK_FALSE(image::valid_shape(image::encode_shape({fw::isa::max_table_step + 1, 0})));
    CHECK_FALSE(
        image::valid_shape(image::encode_shape({0, fw::isa::max_table_log2_intervals + 1})));
    CHECK_FALSE(image::valid_shape(1u << 16));
}

TEST_CASE("layout: a core section's tables become the kernel's descriptors", "[firmware][layout]") {
    // Two tables: 2 intervals of step 4 from -8, then 1 interval of step 0 from 5.
    const std::uint32_t words[] = {
        static_cast<std::uint32_t>(-8),
        image::encode_shape({4, 1}),
        10,
        20,
        30,
        5,
        image::encode_shape({0, 0}),
        7,
        9,
    };
    image::core_view section;
    section.tables = words;
    section.table_count = 2;
    fw::isa::lookup_table tables[fw::max_tables] = {};
    const fw::core_config config = fw::config_of(section, tables);
    REQUIRE(config.table_count == 2);
    CHECK(tables[0].x0 == -8);
    CHECK(tables[0].step == 4);
    CHECK(tables[0].log2_intervals == 1);
    CHECK(tables[0].y[2] == 30);
    CHECK(tables[1].x0 == 5);
    CHECK(tables[1].y[0] == 7);
    CHECK(tables[1].y[1] == 9);
}
