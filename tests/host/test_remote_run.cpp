// `spikeforge run` on a board by URL, end to end against a board side in memory registered as a
// link scheme: the image file loaded, the run, the recording written, and the exit codes. The CLI
// source is compiled in here, as the CLI compiles it.
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

#include <sf/host/link_registry.hpp>

#include "../../host/cli/remote_run.cpp"
#include "../mapper/mapping_support.hpp"
#include "host_test_board.hpp"

namespace {

using namespace sf_host_test;

// The smallest recording: one trace file of one column and two rows.
bytes one_trace_blob() {
    bytes b;
    auto u32 = [&b](std::uint32_t v) {
        for (int k = 0; k < 4; ++k) {
            b.push_back(static_cast<std::uint8_t>(v >> (8 * k)));
        }
    };
    u32(0x43524653u);
    u32(1);
    u32(1);
    u32(5);
    for (const char c : std::string("v.dat")) {
        b.push_back(static_cast<std::uint8_t>(c));
    }
    u32(1);
    u32(2);
    for (const float f : {0.0f, -0.07f, 1e-4f, -0.069f}) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &f, 4);
        u32(bits);
    }
    u32(0);
    return b;
}

} // namespace

TEST_CASE("host: spikeforge run on a board by URL loads, runs and writes the recordings",
          "[host][remote_run]") {
    using namespace sf::mapper::test;
    temp_folder dir("sf_host_remote");
    const auto mapped = map_text(dir, small_model, inline_board(2, 2, "mesh", 4, 2));
    const auto image_file = dir.path() / "model.sfimg";
    sf::mapper::save_image(image_file, sf::mapper::encode_image(mapped));

    test_board board;
    board.recording = one_trace_blob();
    side_type side(board);
    sf::host::register_link_scheme("testremote", [&side](const std::string&) {
        return sf::host::expected<std::unique_ptr<sf::host::frame_link>>(
            std::make_unique<memory_link>(side));
    });
    sf::cli::remote_run_options options;
    options.url = "testremote://board";
    options.image_file = image_file.string();
    options.out_dir = (dir.path() / "out").string();
    options.live_outputs = {"pre"};
    CHECK(sf::cli::remote_run(options) == 0);
    CHECK(board.current_step() == 300);
    CHECK(board.committed);
    CHECK(std::filesystem::exists(dir.path() / "out" / "v.dat"));
    CHECK(!side.session_open()); // said bye

    options.live_outputs = {"nope"};
    CHECK(sf::cli::remote_run(options) == 2);
    options.live_outputs = {};
    options.url = "nowhere://x";
    CHECK(sf::cli::remote_run(options) == 2);
    options.url = "testremote://board";
    options.image_file = (dir.path() / "missing.sfimg").string();
    CHECK(sf::cli::remote_run(options) == 2);
}
