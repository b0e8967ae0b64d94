// What the board picture draws, read from images of the bundled example: cores, routing-table
// fill and link loads per chip, and the refusals of images that do not fit the board.
#include <catch2/catch.hpp>

#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/image_file.hpp>
#include <sf/mapper/map_network.hpp>
#include <sf/plot/board_usage.hpp>
#include <sf/plot/plot_error.hpp>

namespace {

namespace fs = std::filesystem;

// A 3 x 3 mesh of chips with two application cores of eight neurons each: the example's 50
// cells spread over several chips, so that spikes cross links.
sf::mapper::board small_board() {
    return sf::mapper::load_board_text(
        R"(<board name="small" time_step="1 ms" speedup="1">
  <chips width="3" height="3" topology="mesh" cores="3" application_cores="2" router_entries="64"
         application_router_entries="63" link_bandwidth="1000000"/>
  <core neurons="8" state_words_per_neuron="32" state_memory_words="4096" state_word_bits="32"
        synaptic_memory_bytes="65536" program_words="4096" constant_words="256"
        lookup_table_words="8192" weight_bits="8" weight_signed="true" delay_slots="8"
        input_channels="2" max_fan_in="0"/>
</board>)",
        "small.xml");
}

std::vector<std::uint32_t> example_image(const sf::mapper::board& machine) {
    const fs::path model = fs::path(SF_EXAMPLES_DIR) / "balanced_network/LEMS_balanced_network.xml";
    REQUIRE(fs::exists(model));
    const sf::lems::ir::network net = sf::lems::flatten(sf::lems::load_model({model}));
    return sf::mapper::encode_image(sf::mapper::map_network(net, machine, {}));
}

int total_cores(const sf::plot::board_usage& usage) {
    int cores = 0;
    for (const auto& chip : usage.chips) {
        cores += chip.cores_used;
    }
    return cores;
}

} // namespace

TEST_CASE("board usage counts cores, entries and the keys each link carries", "[plot]") {
    const sf::mapper::board machine = small_board();
    const std::vector<std::uint32_t> words = example_image(machine);
    CHECK(sf::plot::board_named_in(words, "net.sfimg") == "small");
    const sf::plot::board_usage usage = sf::plot::usage_on_board(words, "net.sfimg", machine);
    CHECK(usage.board == "small");
    REQUIRE(usage.chips.size() == 9);
    REQUIRE(usage.links.size() == machine.links.size());
    // 50 cells in cores of at most eight neurons.
    CHECK(total_cores(usage) >= 7);
    double keys = 0;
    int entries = 0;
    for (const auto& chip : usage.chips) {
        CHECK(chip.cores_used <= chip.application_cores);
        CHECK(chip.entry_capacity == 63);
        CHECK(chip.entries <= chip.entry_capacity);
        entries += chip.entries;
    }
    for (const auto& link : usage.links) {
        CHECK(link.keys >= 0);
        keys += link.keys;
    }
    CHECK(entries > 0);
    // Cores on different chips exchange spikes: some neuron's key crosses a link.
    CHECK(keys > 0);
}

TEST_CASE("board usage on the example's own board keeps every key on its chip", "[plot]") {
    const sf::mapper::board machine = sf::mapper::find_board("spinn5");
    const sf::plot::board_usage usage =
        sf::plot::usage_on_board(example_image(machine), "net.sfimg", machine);
    CHECK(usage.chips.size() == 48);
    CHECK(total_cores(usage) > 0);
}

TEST_CASE("board usage refuses images that do not fit the board or fail their checks", "[plot]") {
    const sf::mapper::board spinn5 = sf::mapper::find_board("spinn5");
    std::vector<std::uint32_t> words = example_image(spinn5);
    // spinn5's chips beyond (1,1) are not on a board of four.
    CHECK_THROWS_WITH(sf::plot::usage_on_board(words, "net.sfimg", sf::mapper::find_board("tiny")),
                      Catch::Contains("net.sfimg: the image uses chip (2,0), which board tiny "
                                      "does not have (give the board it was mapped for with "
                                      "--board)"));
    words.back() ^= 1u;
    CHECK_THROWS_AS(sf::plot::usage_on_board(words, "net.sfimg", spinn5), sf::plot::plot_error);
    CHECK_THROWS_WITH(sf::plot::board_named_in(words, "net.sfimg"),
                      Catch::StartsWith("net.sfimg: word "));
    CHECK_THROWS_WITH(sf::plot::board_named_in({}, "empty.sfimg"),
                      Catch::StartsWith("empty.sfimg: word 0"));
}

TEST_CASE("reading a board image refuses a file that is not there", "[plot]") {
    CHECK_THROWS_AS(sf::plot::read_board_usage("no/such/net.sfimg", ""), sf::plot::plot_error);
}
