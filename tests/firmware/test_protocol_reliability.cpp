// The protocol's reliability parts on their own: serial-number order across the 32-bit wrap, the
// board's window of handled requests, the map of missing chunks and the credits of a stream.
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/protocol/bytes.hpp>
#include <sf/firmware/protocol/reliability.hpp>

namespace {

namespace protocol = sf::firmware::protocol;
using protocol::window_verdict;

} // namespace

TEST_CASE("protocol: sequence numbers are ordered across the wrap", "[firmware][protocol]") {
    CHECK(protocol::before(0xFFFFFFFFu, 0u));
    CHECK(protocol::before(0xFFFFFFF0u, 5u));
    CHECK(protocol::after(5u, 0xFFFFFFF0u));
    CHECK_FALSE(protocol::before(5u, 5u));
    CHECK(protocol::at_or_before(5u, 5u));
    CHECK(protocol::before(0u, 0x7FFFFFFFu));
    // Exactly half the space apart: neither comes first.
    CHECK_FALSE(protocol::before(0u, 0x80000000u));
    CHECK_FALSE(protocol::before(0x80000000u, 0u));
    CHECK(protocol::distance(0xFFFFFFFEu, 1u) == 3u);
    CHECK(protocol::later(0xFFFFFFFEu, 1u) == 1u);
    CHECK(protocol::later(1u, 0xFFFFFFFEu) == 1u);
}

TEST_CASE("protocol: the receive window tells new, duplicate and out-of-window requests",
          "[firmware][protocol]") {
    const std::uint32_t start = GENERATE(0u, 1000u, 0xFFFFFFF0u); // the last crosses the wrap
    protocol::receive_window<64> window;
    window.reset(start);
    CHECK(window.classify(start - 1) == window_verdict::duplicate); // before the session
    CHECK(window.classify(start - 65) == window_verdict::too_old);
    REQUIRE(window.classify(start) == window_verdict::fresh);
    window.accept(start);
    CHECK(window.classify(start) == window_verdict::duplicate);

    SECTION("out of order inside the window") {
        window.accept(start + 5);
        CHECK(window.classify(start + 5) == window_verdict::duplicate);
        for (std::uint32_t k = 1; k < 5; ++k) {
            CHECK(window.classify(start + k) == window_verdict::fresh);
        }
        window.accept(start + 3);
        CHECK(window.classify(start + 3) == window_verdict::duplicate);
        CHECK(window.classify(start + 4) == window_verdict::fresh);
    }
    SECTION("too far ahead and too old") {
        CHECK(window.classify(start + 64) == window_verdict::fresh);
        CHECK(window.classify(start + 65) == window_verdict::too_far);
        window.accept(start + 64);
        CHECK(window.classify(start) == window_verdict::too_old);
        CHECK(window.classify(start + 1) == window_verdict::fresh); // never seen, still inside
        CHECK(window.classify(start + 0x80000000u) == window_verdict::too_far);
        CHECK(window.classify(start + 64 + 0x80000000u) == window_verdict::too_old);
    }
    SECTION("a long run of requests wraps the sequence space without a false duplicate") {
        std::uint32_t s = start;
        for (int k = 0; k < 300; ++k) {
            ++s;
            REQUIRE(window.classify(s) == window_verdict::fresh);
            window.accept(s);
            REQUIRE(window.classify(s) == window_verdict::duplicate);
            REQUIRE(window.classify(s - 63) == window_verdict::duplicate);
        }
    }
}

TEST_CASE("protocol: the chunk map reports exactly the missing chunks", "[firmware][protocol]") {
    protocol::chunk_map<64> map;
    CHECK_FALSE(map.begin(65));
    REQUIRE(map.begin(20));
    CHECK(map.missing() == 20);
    for (std::uint32_t c : {0u, 3u, 8u, 19u}) {
        REQUIRE(map.classify(c) == protocol::chunk_verdict::fresh);
        map.mark(c);
    }
    map.mark(3); // again: nothing changes
    CHECK(map.missing() == 16);
    CHECK(map.classify(3) == protocol::chunk_verdict::duplicate);
    CHECK(map.classify(20) == protocol::chunk_verdict::out_of_range);

    std::uint8_t bitmap[8] = {};
    protocol::byte_writer w(bitmap, sizeof bitmap);
    CHECK(map.report(0, w, 8) == 20);
    CHECK(w.size() == 3);
    CHECK(bitmap[0] == 0xF6); // chunks 0 and 3 arrived
    CHECK(bitmap[1] == 0xFE); // chunk 8 arrived
    CHECK(bitmap[2] == 0x07); // chunks 16-18 missing, 19 arrived, nothing past the end

    protocol::byte_writer one(bitmap, sizeof bitmap);
    CHECK(map.report(8, one, 1) == 8); // limited by the room
    CHECK(bitmap[0] == 0xFE);
    protocol::byte_writer none(bitmap, sizeof bitmap);
    CHECK(map.report(20, none, 8) == 0);
}

TEST_CASE("protocol: a stream's sender never exceeds its credit", "[firmware][protocol]") {
    const std::uint32_t seed = 20260101;
    INFO("seed " << seed);
    std::mt19937 random(seed);
    const std::uint32_t queue = 50; // the receiver's room
    protocol::stream_receiver receiver;
    protocol::credit_sender sender;
    receiver.reset(0);
    sender.reset(receiver.grant(queue));
    std::uint32_t queued = 0;
    std::uint64_t sent = 0;
    std::uint64_t delivered = 0;
    std::uint64_t lost = 0;
    for (int round = 0; round < 5000; ++round) {
        // The sender sends what its credit allows, in frames of up to 16 events.
        const auto want = static_cast<std::uint32_t>(random() % 17);
        const std::uint32_t count = want < sender.room() ? want : sender.room();
        const std::uint32_t first = sender.send(count);
        sent += count;
        if (random() % 10 != 0) { // one frame in ten is lost
            const protocol::stream_verdict v = receiver.classify(first, count);
            REQUIRE(v.what == protocol::stream_verdict::kind::in_order);
            receiver.accept(first, count);
            lost += v.lost;
            queued += count;
            REQUIRE(queued <= queue); // never overrun
            delivered += count;
        }
        // The receiver drains some and grants more; one grant in four is lost.
        queued -= static_cast<std::uint32_t>(random() % (queued + 1));
        const std::uint32_t limit = receiver.grant(queue - queued);
        if (random() % 4 != 0) {
            sender.grant(limit);
        }
    }
    CHECK(delivered + lost + (sender.next() - receiver.expected()) == sent);
    CHECK(sent > 10000); // the stream was not starved

    SECTION("an overrun or a stale frame is refused") {
        protocol::stream_receiver r;
        r.reset(10);
        CHECK(r.classify(5, 6).what == protocol::stream_verdict::kind::overrun);
        CHECK(r.classify(5, 5).what == protocol::stream_verdict::kind::in_order);
        CHECK(r.classify(5, 5).lost == 5);
        r.accept(5, 5);
        CHECK(r.classify(2, 1).what == protocol::stream_verdict::kind::stale);
        CHECK(r.classify(10, 0).what == protocol::stream_verdict::kind::in_order);
        protocol::credit_sender s;
        s.reset(100);
        s.grant(50); // an old grant arriving late changes nothing
        CHECK(s.limit() == 100);
        s.send(100);
        CHECK(s.room() == 0);
    }
    SECTION("limits wrap like sequence numbers") {
        protocol::credit_sender s;
        s.reset(0xFFFFFFF0u);
        s.send(0xFFFFFFF0u);
        s.grant(0x10u);
        CHECK(s.room() == 0x20u);
    }
}
