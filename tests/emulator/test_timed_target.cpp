// The systemc target's configuration of the timed board model from a board description.
#include <string>

#include <catch2/catch.hpp>

#include <sf/mapper/board_loader.hpp>

#include "timed_target.hpp"

namespace {

// A 3 x 2 mesh whose chips' links carry 2 million packets a second, except where `chips` says.
std::string board_text(const std::string& chips) {
    return R"(<board name="links" time_step="1 ms" speedup="4">
  <chips width="3" height="2" topology="mesh" cores="4" application_cores="3" router_entries="64"
         application_router_entries="63" link_bandwidth="2000000">
)" + chips +
           R"(  </chips>
  <core neurons="16" state_words_per_neuron="8" state_memory_words="128" state_word_bits="32"
        synaptic_memory_bytes="4096" program_words="64" constant_words="32" lookup_table_words="64"
        weight_bits="8" weight_signed="true" delay_slots="8" input_channels="2" max_fan_in="32"/>
  <timing core_clock="50 MHz" router_clock="25 MHz" neurons="program"
          tick_cycles="400" neuron_cycles="10" spike_cycles="16" packet_cycles="40" word_cycles="8"
          rand_cycles="3" memory_latency="300 ns" memory_bandwidth="1000000000"
          router_pipeline="5" input_fifo="8" output_fifo="4" wait1="240" wait2="240"
          link_latency="0 ns" reinjection_queue="4096" reinjection_cycles="200"/>
)" + "</board>\n";
}

} // namespace

TEST_CASE("timed_config: the board's timing and speed-up, and one link rate when all chips agree",
          "[timed_target]") {
    const sf::mapper::board board = sf::mapper::load_board_text(board_text(""), "links.xml");
    const sf::emulator::timed_board_config config = sf::cli::timed_config(board);
    CHECK(config.timing.core_hz == 50'000'000u);
    CHECK(config.timing.router_hz == 25'000'000u);
    CHECK(config.timing.tick_cycles == 400u);
    CHECK(config.speedup == 4.0);
    CHECK(config.link_packets_per_second == 2e6);
    CHECK(config.link_rates.empty());
    CHECK(config.trace_file.empty());
}

TEST_CASE("timed_config: the rate most chips have, and each available chip that differs",
          "[timed_target]") {
    const sf::mapper::board board =
        sf::mapper::load_board_text(board_text(R"(<chip x="2" y="0" link_bandwidth="500000"/>
  <chip x="1" y="1" link_bandwidth="3000000"/>
  <chip x="0" y="1" link_bandwidth="100"/>
  <unavailable_chip x="0" y="1"/>
)"),
                                    "links.xml");
    const sf::emulator::timed_board_config config = sf::cli::timed_config(board);
    CHECK(config.link_packets_per_second == 2e6);
    REQUIRE(config.link_rates.size() == 2);
    CHECK(config.link_rates[0].x == 2);
    CHECK(config.link_rates[0].y == 0);
    CHECK(config.link_rates[0].packets_per_second == 5e5);
    CHECK(config.link_rates[1].x == 1);
    CHECK(config.link_rates[1].y == 1);
    CHECK(config.link_rates[1].packets_per_second == 3e6);
}

TEST_CASE("timed_config: the usual rate is the one most chips have, not the first chip's",
          "[timed_target]") {
    // Four of the six chips carry 1 million: the board's rate; the other two are listed.
    const sf::mapper::board board =
        sf::mapper::load_board_text(board_text(R"(<chip x="0" y="0" link_bandwidth="1000000"/>
  <chip x="1" y="0" link_bandwidth="1000000"/>
  <chip x="2" y="0" link_bandwidth="1000000"/>
  <chip x="0" y="1" link_bandwidth="1000000"/>
)"),
                                    "links.xml");
    const sf::emulator::timed_board_config config = sf::cli::timed_config(board);
    CHECK(config.link_packets_per_second == 1e6);
    REQUIRE(config.link_rates.size() == 2);
    CHECK(config.link_rates[0].x == 1);
    CHECK(config.link_rates[0].y == 1);
    CHECK(config.link_rates[1].x == 2);
    CHECK(config.link_rates[1].y == 1);
    CHECK(config.link_rates[1].packets_per_second == 2e6);
}

TEST_CASE("timed_config: spinn5's timing as its file gives it", "[timed_target]") {
    const sf::mapper::board board = sf::mapper::find_board("spinn5");
    const sf::emulator::timed_board_config config = sf::cli::timed_config(board);
    CHECK(config.timing.core_hz == 200'000'000u);
    CHECK(config.speedup == 1.0);
    CHECK(config.link_packets_per_second > 0.0);
}
