// The host runtime over a board side in memory: the handshake and its refusals, requests resent
// and applied once, image loads that resend only the missing chunks, lockstep runs with live
// input and output under the board's credits, free runs, the recording and counters read back.
#include <chrono>
#include <memory>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include <sf/host/board_client.hpp>
#include <sf/host/host_errors.hpp>

#include "host_test_board.hpp"

namespace {

using namespace sf_host_test;
using sf::host::board_client;
using sf::host::connect_options;

// A board, its side and a link to it, and a client once connected.
struct bench {
    test_board board;
    side_type side{board};
    memory_link* link = nullptr;
    std::unique_ptr<memory_link> owned = std::make_unique<memory_link>(side);

    memory_link& wire() { return link != nullptr ? *link : *owned; }
    std::unique_ptr<board_client> connect(const connect_options& options = {}) {
        link = owned.get();
        return std::make_unique<board_client>(std::move(owned), options);
    }
};

std::uint8_t type_of(const bytes& frame) { return frame.size() > 5 ? frame[5] : 0; }
bool is(const bytes& frame, protocol::message_type type) {
    return type_of(frame) == static_cast<std::uint8_t>(type);
}

bytes test_image(std::size_t size) {
    bytes image(size);
    for (std::size_t b = 0; b < size; ++b) {
        image[b] = static_cast<std::uint8_t>(b * 7 + b / 251);
    }
    return image;
}

connect_options quick(int tries = 4) {
    connect_options options;
    options.channel.first_timeout = std::chrono::milliseconds(2);
    options.channel.tries = tries;
    return options;
}

} // namespace

TEST_CASE("host: the handshake opens a session with the board's window and frame size",
          "[host][client]") {
    bench b;
    auto client = b.connect();
    CHECK(b.side.session_open());
    CHECK(b.side.session() != 0);
    CHECK(client->board().request_window == 64);
    CHECK(client->board().max_frame == 1472);
    CHECK(client->board().board_id == 7);
    client->close();
    CHECK(!b.side.session_open());
}

TEST_CASE("host: a board of another protocol version is named", "[host][client]") {
    bench b;
    // Every frame the board sends claims version 2; the frame check stops at the version byte.
    b.owned->drop_from_board = [](const bytes&) { return true; };
    b.owned->drop_to_board = [&b](const bytes& frame) {
        bytes answer = frame;
        answer[4] = 2; // an intact frame of version 2: its CRC holds
        const std::uint32_t crc =
            protocol::detail::frame_crc(answer.data(), answer.size() - protocol::header_bytes);
        for (int k = 0; k < 4; ++k) {
            answer[protocol::crc_offset + k] = static_cast<std::uint8_t>(crc >> (8 * k));
        }
        b.wire().inject(answer);
        return true;
    };
    // A damaged version byte is no other version: its CRC fails and the hello is resent.
    bench damaged;
    damaged.owned->drop_from_board = [&damaged](const bytes& frame) {
        bytes copy = frame;
        copy[4] = 3;
        damaged.wire().inject(copy);
        return true;
    };
    CHECK_THROWS_AS(damaged.connect(quick()), sf::host::transport_error);
    try {
        b.connect(quick());
        FAIL("connected to a board of version 2");
    } catch (const sf::host::session_error& e) {
        CHECK(std::string(e.what()) == "board speaks protocol version 2, this host speaks 1");
    }
}

TEST_CASE("host: a board another host holds is busy unless taken over", "[host][client]") {
    bench b;
    auto first = b.connect();
    auto second_link = std::make_unique<memory_link>(b.side);
    try {
        board_client second(std::move(second_link));
        FAIL("a second host opened a session");
    } catch (const sf::host::session_error& e) {
        CHECK(std::string(e.what()) == "board busy: another host holds it (use take-over)");
    }
    connect_options take;
    take.take_over = true;
    board_client third(std::make_unique<memory_link>(b.side), take);
    CHECK(b.side.session_open());
    // The host that was taken over from is refused from now on.
    try {
        first->read_counters();
        FAIL("the replaced session still reads the board");
    } catch (const sf::host::board_refused& e) {
        CHECK(e.why() == protocol::reason::bad_session);
    }
}

TEST_CASE("host: a lost reply is resent for and the request applied once", "[host][client]") {
    bench b;
    int acks_dropped = 0;
    b.owned->drop_from_board = [&](const bytes& frame) {
        if (is(frame, protocol::message_type::ack) && acks_dropped < 2) {
            ++acks_dropped;
            return true;
        }
        return false;
    };
    auto client = b.connect();
    client->load_bytes(test_image(3000));
    const auto report = client->run(5);
    CHECK(report.steps == 5);
    CHECK(b.board.current_step() == 5);
    CHECK(b.board.step_requests <= 5);
    CHECK(client->link_counters().retransmissions == 2);
    CHECK(client->link_counters().timeouts == 2);
    CHECK(protocol::refused(b.side.counters(), protocol::reason::duplicate) == 2);
}

TEST_CASE("host: an image load resends exactly the missing chunks", "[host][client][load]") {
    bench b;
    const std::set<std::uint32_t> lost{2, 5, 9};
    std::set<std::uint32_t> dropped;
    b.owned->drop_to_board = [&](const bytes& frame) {
        if (!is(frame, protocol::message_type::load_chunk)) {
            return false;
        }
        const std::uint32_t index = protocol::load_u32(frame.data() + 12);
        return lost.count(index) > 0 && dropped.insert(index).second;
    };
    auto client = b.connect();
    const bytes image = test_image(20000);
    const auto report = client->load_bytes(image);
    CHECK(b.board.committed);
    CHECK(b.board.image == image);
    CHECK(report.chunk_bytes == 1472 - 32);
    CHECK(report.chunks == (20000 + 1439) / 1440);
    CHECK(report.chunks_resent == 3);
    CHECK(report.query_rounds == 2);
    std::map<std::uint32_t, int> sends;
    for (const auto& frame : b.wire().sent) {
        if (is(frame, protocol::message_type::load_chunk)) {
            ++sends[protocol::load_u32(frame.data() + 12)];
        }
    }
    for (const auto& [index, count] : sends) {
        CHECK(count == (lost.count(index) > 0 ? 2 : 1));
    }
    for (const auto& [offset, writes] : b.board.writes) {
        CHECK(writes == 1);
    }
}

TEST_CASE("host: refusals of the board are errors naming the reason", "[host][client]") {
    bench b;
    auto client = b.connect();
    try {
        client->run(1);
        FAIL("stepped without an image");
    } catch (const sf::host::board_refused& e) {
        CHECK(e.why() == protocol::reason::not_loaded);
        CHECK(std::string(e.what()).find("step") != std::string::npos);
        CHECK(std::string(e.what()).find("not_loaded") != std::string::npos);
    }
    b.board.accept_image = false;
    try {
        client->load_bytes(test_image(5000));
        FAIL("a refused image was committed");
    } catch (const sf::host::board_refused& e) {
        CHECK(e.why() == protocol::reason::image_refused);
        CHECK(std::string(e.what()).find("image_refused") != std::string::npos);
    }
    CHECK_THROWS_AS(client->load_bytes(bytes(8u << 20)), sf::host::usage_error);
}

TEST_CASE("host: lockstep runs send each step's input and deliver its output",
          "[host][client][live]") {
    bench b;
    auto client = b.connect();
    client->load_bytes(test_image(4000));
    client->watch({{0x10000u, 0xFFFF0000u}});
    CHECK(b.board.watched.size() == 1);
    std::map<std::uint32_t, std::vector<std::uint32_t>> outputs;
    sf::host::key_io io;
    io.input = [](std::uint32_t step) {
        std::vector<std::uint32_t> keys;
        for (std::uint32_t k = 0; k < (step % 3 == 0 ? 0u : 40u); ++k) {
            keys.push_back(step * 1000 + k);
        }
        return keys;
    };
    io.output = [&](std::uint32_t step, const std::vector<std::uint32_t>& keys) {
        CHECK(outputs.count(step) == 0);
        outputs[step] = keys;
    };
    const auto report = client->run(30, &io);
    CHECK(report.steps == 30);
    CHECK(report.step_round_trips.size() == 30);
    CHECK(b.board.current_step() == 30);
    REQUIRE(outputs.size() == 30);
    for (std::uint32_t step = 1; step <= 30; ++step) {
        CHECK(b.board.input_frames.count(step) == 1); // input reached the board, empty or not
        CHECK(b.board.injected[step] == io.input(step));
        REQUIRE(outputs[step].size() == 3);
        CHECK(outputs[step][0] == test_board::key_of(step, 3));
    }
    // 40 keys a step against a queue of 64: the credit came back with every ack.
    const auto counters = client->read_counters();
    CHECK(counters.inject_frames == 30); // one frame a step, empty or not
    CHECK(counters.inject_dropped == 0);
    CHECK(counters.inject_lost == 0);
    CHECK(counters.kernel.steps == 30);
    CHECK(counters.output_events == 90);
    CHECK(report.output_keys == 90);
}

TEST_CASE("host: input that cannot fit the board's queue is refused clearly",
          "[host][client][live]") {
    bench b;
    auto client = b.connect();
    client->load_bytes(test_image(4000));
    sf::host::key_io io;
    io.input = [](std::uint32_t) { return std::vector<std::uint32_t>(100, 0x42u); };
    CHECK_THROWS_WITH(client->run(1, &io),
                      Catch::Contains("100 input keys do not fit the board's input queue"));
}

TEST_CASE("host: runs without live I/O go in bounded batches", "[host][client]") {
    bench b;
    auto client = b.connect();
    client->load_bytes(test_image(4000));
    const auto report = client->run(2500, nullptr, 1000);
    CHECK(report.steps == 2500);
    CHECK(b.board.step_requests == 4); // a first step times the board, then 1000, 1000, 499
    CHECK(b.board.current_step() == 2500);
}

TEST_CASE("host: real-time runs end when the board reports it stopped", "[host][client]") {
    bench b;
    auto client = b.connect();
    client->load_bytes(test_image(4000));
    client->watch({{0x10000u, 0xFFFF0000u}});
    int frames = 0;
    b.wire().after_frame = [&] {
        if (b.board.running() && ++frames == 3) {
            b.board.finish_run();
        }
    };
    std::size_t keys = 0;
    const auto report = client->run_realtime(
        50, 1e-4, [&](std::uint32_t, const std::vector<std::uint32_t>& k) { keys += k.size(); });
    CHECK(b.board.run_microseconds == 5000);
    CHECK(report.steps == 50);
    CHECK(report.last_step == 50);
    CHECK(keys == 150);
}

TEST_CASE("host: the recording is read back whole through pipelined requests", "[host][client]") {
    bench b;
    auto client = b.connect();
    client->load_bytes(test_image(4000));
    b.board.recording = test_image(100000);
    CHECK(client->read_recording() == b.board.recording);
    b.board.recording.clear();
    CHECK(client->read_recording().empty());
}

TEST_CASE("host: a board that never answers is reported within the stated time", "[host][client]") {
    bench b;
    b.owned->drop_from_board = [](const bytes&) { return true; };
    const auto started = std::chrono::steady_clock::now();
    try {
        b.connect(quick(4));
        FAIL("connected to a board that does not answer");
    } catch (const sf::host::transport_error& e) {
        CHECK_THAT(e.what(),
                   Catch::Contains("no reply to hello") && Catch::Contains("after 4 tries"));
    }
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK(took >= std::chrono::milliseconds(2 + 4 + 8 + 16));
    CHECK(took < std::chrono::milliseconds(2 + 4 + 8 + 16 + 500));
    sf::host::request_channel defaults(b.wire());
    CHECK(defaults.give_up_after() == std::chrono::microseconds(10230000));
}

TEST_CASE("host: frames the host cannot use are counted, never acted on", "[host][client]") {
    bench b;
    auto client = b.connect();
    bytes garbage(40, 0xAB);
    b.wire().inject(garbage);
    bytes damaged = b.wire().sent.front();
    damaged[damaged.size() - 1] ^= 1;
    b.wire().inject(damaged);
    client->load_bytes(test_image(2000));
    CHECK(client->link_counters().refused_frames == 2);
    CHECK(client->link_counters()
              .refused_by_status[static_cast<int>(protocol::decode_status::bad_magic)] == 1);
    CHECK(client->link_counters()
              .refused_by_status[static_cast<int>(protocol::decode_status::bad_crc)] == 1);
}

TEST_CASE("host: output credit is granted again as the host takes the keys",
          "[host][client][live]") {
    bench b;
    connect_options options;
    options.channel.output_buffer_keys = 16;
    auto client = b.connect(options);
    client->load_bytes(test_image(4000));
    std::uint64_t keys = 0;
    sf::host::key_io io;
    io.output = [&](std::uint32_t, const std::vector<std::uint32_t>& k) { keys += k.size(); };
    const auto report = client->run(40, &io);
    CHECK(keys == 120); // 3 a step, none held back for want of credit
    CHECK(report.late_output_keys == 0);
    int credits = 0;
    for (const auto& frame : b.wire().sent) {
        credits += is(frame, protocol::message_type::credit) ? 1 : 0;
    }
    CHECK(credits >= 120 / 16);
    CHECK(client->link_counters().output_overruns == 0);
    CHECK(client->link_counters().output_lost == 0);
}
