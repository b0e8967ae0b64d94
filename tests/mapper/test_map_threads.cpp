// The mapper indexes the connections, measures the slices and builds their matrices on several
// threads: the image is the same word for word on any number (but for its report of the phases'
// times).
#include <cstdint>
#include <filesystem>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/image_file.hpp>

#include "mapping_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sf::mapper::test;
namespace mapper = sf::mapper;

// The bundled example's image on `threads`, without its report section.
std::vector<std::uint32_t> image_on(const sf::lems::ir::network& net, const mapper::board& machine,
                                    std::size_t threads) {
    mapper::map_options options = quick_options();
    options.threads = threads;
    const mapper::mapped_network mapped = mapper::map_network(net, machine, options);
    std::vector<std::uint32_t> words = mapper::encode_image(mapped);
    remove_section(words, section_of(words, image::section_kind::report));
    reseal(words); // the header's length and checksum, which the report's length changes
    return words;
}

} // namespace

TEST_CASE("map: the image is the same on any number of threads", "[mapper][threads]") {
    const fs::path example = fs::path(__FILE__).parent_path().parent_path().parent_path() /
                             "examples" / "balanced_network" / "LEMS_balanced_network.xml";
    REQUIRE(fs::is_regular_file(example));
    const sf::lems::ir::network net = flatten_here(sf::lems::load_model({example}));
    // Cores of 4 neurons: the example's 50 cells in 13 slices, more than any thread count below.
    const mapper::board machine = inline_board(4, 4, "mesh", 16, 4);
    const std::vector<std::uint32_t> one = image_on(net, machine, 1);
    REQUIRE(one.size() > 1000);
    for (const std::size_t threads : {2, 3, 7}) {
        INFO(threads << " threads");
        CHECK(image_on(net, machine, threads) == one);
    }
}
