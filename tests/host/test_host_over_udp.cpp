// The host runtime against a board side served over UDP on loopback, through the fault proxy:
// loads stay byte-identical and steps are applied exactly once when a tenth of the datagrams are
// dropped, duplicated, reordered or corrupted, and a board that goes away is reported in time.
#include <chrono>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include <sf/host/board_client.hpp>
#include <sf/host/host_errors.hpp>
#include <sf/host/link_registry.hpp>

#include "fault_proxy.hpp"
#include "host_test_board.hpp"

namespace {

using namespace sf_host_test;

bytes pattern(std::size_t size, std::uint32_t seed) {
    bytes image(size);
    std::uint32_t x = seed;
    for (auto& b : image) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<std::uint8_t>(x >> 24);
    }
    return image;
}

std::string url_of(std::uint16_t port) { return "udp://127.0.0.1:" + std::to_string(port); }

} // namespace

TEST_CASE("host over UDP: a lossy link still loads the image exactly and applies every step once",
          "[host][udp][faults]") {
    test_board board;
    side_type side(board);
    udp_responder responder(side);
    sf::test::fault_rates rates;
    rates.drop = 0.1;
    rates.duplicate = 0.1;
    rates.reorder = 0.1;
    rates.corrupt = 0.1;
    sf::test::fault_proxy proxy(responder.port(), rates, 1234);

    auto client = sf::host::board_client::connect(url_of(proxy.port()));
    const bytes image = pattern(300000, 7);
    const auto loaded = client->load_bytes(image);
    CHECK(loaded.chunks == (300000 + 1439) / 1440);
    CHECK(loaded.chunks_resent > 0);

    const auto batch = client->run(1500, nullptr, 100);
    CHECK(batch.steps == 1500);
    sf::host::key_io io;
    io.input = [](std::uint32_t step) { return std::vector<std::uint32_t>(step % 5, step); };
    std::uint32_t outputs = 0;
    io.output = [&](std::uint32_t, const std::vector<std::uint32_t>&) { ++outputs; };
    const auto live = client->run(200, &io);
    CHECK(live.steps == 200);
    CHECK(outputs == 200);
    CHECK(sf::host::median_seconds(live.step_round_trips) > 0.0);
    CHECK(client->read_recording() == board.recording);
    const auto counters = client->read_counters();
    const auto link = client->link_counters();
    client->close();
    responder.stop();
    proxy.stop();

    CHECK(board.committed);
    CHECK(board.image == image);
    for (const auto& [offset, writes] : board.writes) {
        CHECK(writes == 1);
    }
    CHECK(board.current_step() == 1700);
    CHECK(board.step_requests >= 15 + 200); // batches of at most 100 steps, then one per step
    CHECK(counters.kernel.steps == 1700);
    CHECK(link.retransmissions > 0);
    CHECK(link.refused_frames > 0);    // corrupted replies were caught by their CRC
    CHECK(link.duplicate_replies > 0); // and duplicated ones ignored
    const auto faults = proxy.counts();
    CHECK(faults.dropped > 0);
    CHECK(faults.corrupted > 0);
}

TEST_CASE("host over UDP: a board that computes slowly is asked for a tenth of a second's steps "
          "at once, and waited for",
          "[host][udp]") {
    test_board board;
    board.step_time = std::chrono::milliseconds(4);
    side_type side(board);
    udp_responder responder(side);
    auto client = sf::host::board_client::connect(url_of(responder.port()));
    client->load_bytes(pattern(5000, 3));
    const auto report = client->run(200, nullptr, 1000);
    const auto link = client->link_counters();
    client->close();
    responder.stop();
    CHECK(report.steps == 200);
    CHECK(board.current_step() == 200);
    // About 25 steps per request after the first: each keeps the board busy longer than the first
    // resend timeout (10 ms), yet none is sent twice.
    CHECK(board.step_requests >= 5);
    CHECK(board.step_requests <= 40);
    CHECK(link.retransmissions == 0);
}

TEST_CASE("host over UDP: a board that goes away is reported within the stated time",
          "[host][udp][faults]") {
    test_board board;
    side_type side(board);
    auto responder = std::make_unique<udp_responder>(side);
    sf::host::connect_options options;
    options.channel.tries = 6; // 10 + 20 + 40 + 80 + 160 + 320 ms
    sf::test::fault_proxy proxy(responder->port(), {}, 1);
    auto client = sf::host::board_client::connect(url_of(proxy.port()), options);
    client->load_bytes(pattern(5000, 3));
    responder->stop();
    const auto started = std::chrono::steady_clock::now();
    try {
        client->run(1);
        FAIL("a board that is gone answered");
    } catch (const sf::host::transport_error& e) {
        CHECK_THAT(e.what(),
                   Catch::Contains("no reply to step") && Catch::Contains("after 6 tries"));
    }
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(took >= std::chrono::milliseconds(630));
    CHECK(took < client->give_up_after() + std::chrono::milliseconds(500));
}

TEST_CASE("host: board URLs open their link or say what is wrong", "[host][udp]") {
    CHECK_THROWS_WITH(sf::host::open_link("tcp://x:1"),
                      Catch::Contains("unknown board URL 'tcp://x:1'") &&
                          Catch::Contains("udp://, usb://"));
    CHECK_THROWS_AS(sf::host::open_link("udp://127.0.0.1"), sf::host::usage_error);
    CHECK_THROWS_AS(sf::host::open_link("udp://127.0.0.1:99999"), sf::host::usage_error);
    CHECK_THROWS_AS(sf::host::open_link("usb://nothex"), sf::host::usage_error);
    test_board board;
    side_type side(board);
    sf::host::register_link_scheme("testmem", [&side](const std::string& url) {
        REQUIRE(url == "testmem://board");
        return sf::host::expected<std::unique_ptr<sf::host::frame_link>>(
            std::make_unique<memory_link>(side));
    });
    CHECK_THROWS_WITH(sf::host::open_link("tcp://x:1"), Catch::Contains("testmem://"));
    auto client = sf::host::board_client::connect("testmem://board");
    CHECK(side.session_open());
}
