// The board side of the protocol against a board that records what it is asked: sessions, the
// state machine and its refusals, duplicates never applied twice, a bulk image load over a lossy
// link that resends only the missing chunks, and both spike streams with their credits and losses.
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/protocol/board_side.hpp>

#include "test_protocol_board.hpp"

namespace {

namespace protocol = sf::firmware::protocol;
using protocol::board_state;
using protocol::reason;
using sf_test_protocol::acked;
using sf_test_protocol::bytes;
using sf_test_protocol::encode;
using sf_test_protocol::error_of;
using sf_test_protocol::fake_board;
using side_type = protocol::board_side<256, 64>;
using host_type = sf_test_protocol::test_host<side_type>;

std::uint64_t refused(const side_type& side, reason why) {
    return side.counters().refused[static_cast<std::size_t>(why)];
}

// The chunks of an image, as a host sends them.
struct image_upload {
    bytes image;
    std::uint16_t chunk_bytes;
    std::uint32_t transfer = 0;

    image_upload(std::size_t size, std::uint16_t chunk, std::uint32_t seed)
        : image(size), chunk_bytes(chunk) {
        std::mt19937 random(seed);
        for (auto& b : image) {
            b = static_cast<std::uint8_t>(random());
        }
    }
    std::uint32_t chunks() const {
        return static_cast<std::uint32_t>((image.size() + chunk_bytes - 1) / chunk_bytes);
    }
    protocol::load_begin_request begin() const {
        protocol::load_begin_request m;
        m.total_bytes = static_cast<std::uint32_t>(image.size());
        m.chunk_bytes = chunk_bytes;
        m.chunk_count = chunks();
        return m;
    }
    bytes chunk(std::uint32_t index, std::uint32_t session) const {
        const std::size_t offset = std::size_t{index} * chunk_bytes;
        REQUIRE(offset < image.size());
        const std::size_t length = std::min<std::size_t>(chunk_bytes, image.size() - offset);
        protocol::load_chunk m;
        m.transfer = transfer;
        m.offset = static_cast<std::uint32_t>(offset);
        m.data = image.data() + offset;
        m.length = static_cast<std::uint16_t>(length);
        m.chunk_crc = protocol::crc32(m.data, length);
        return encode(m, session, index);
    }
};

// Opens a session and loads a small image.
void load(host_type& host, side_type& side, std::uint32_t spikes_out_limit = 1000) {
    REQUIRE(host.hello(spikes_out_limit).head.type == protocol::message_type::hello_reply);
    image_upload upload(3000, 1000, 1);
    upload.transfer = host.sequence;
    REQUIRE(acked(host.request(upload.begin())));
    for (std::uint32_t c = 0; c < upload.chunks(); ++c) {
        REQUIRE(host.send_frame(upload.chunk(c, host.session)).present == false);
    }
    REQUIRE(acked(host.request(protocol::load_commit_request{})));
    REQUIRE(side.state() == board_state::loaded);
}

protocol::step_request steps(std::uint32_t n) {
    protocol::step_request m;
    m.steps = n;
    return m;
}

} // namespace

TEST_CASE("protocol: hello opens the one session and tells the board", "[firmware][protocol]") {
    fake_board board;
    side_type side(board);
    host_type host{side};
    const auto hello = host.hello();
    REQUIRE(hello.head.type == protocol::message_type::hello_reply);
    const auto info = hello.as<protocol::hello_reply>();
    CHECK(info.protocol_version == protocol::version);
    CHECK(info.state == board_state::idle);
    CHECK(info.max_frame == protocol::max_frame_udp);
    CHECK(info.board_id == 7);
    CHECK(info.cores == 72);
    CHECK(info.max_chunks == 256);
    CHECK(info.request_window == 64);
    CHECK(info.inject_limit == 64);
    CHECK(side.session_open());

    SECTION("a second session is refused busy") {
        host_type other{side, 0xBAD5EED0u, 1};
        CHECK(error_of(other.hello()) == reason::busy);
        CHECK(error_of(other.request(steps(1))) == reason::bad_session);
        CHECK(side.session() == host.session);
        CHECK(refused(side, reason::busy) == 1);
        CHECK(refused(side, reason::bad_session) == 1);
    }
    SECTION("a second session may take the board over") {
        host_type other{side, 0x0DDBA11u, 1};
        protocol::hello_request take;
        take.take_over = true;
        CHECK(other.request(take).head.type == protocol::message_type::hello_reply);
        CHECK(side.session() == other.session);
        CHECK(error_of(host.request(protocol::read_counters_request{})) == reason::bad_session);
    }
    SECTION("bye ends it, and then anyone may open one") {
        CHECK(acked(host.request(protocol::bye_request{})));
        CHECK_FALSE(side.session_open());
        host_type other{side, 0x0DDBA11u, 1};
        CHECK(other.hello().head.type == protocol::message_type::hello_reply);
    }
    SECTION("closing a silent host's session stops its run and lets the next host in") {
        load(host, side);
        protocol::watch_request w;
        w.count = 1;
        w.filters[0] = {0x10000u, 0xFFFF0000u};
        REQUIRE(acked(host.request(w)));
        REQUIRE(acked(host.request(protocol::start_request{})));
        REQUIRE(board.running());
        side.close_session();
        CHECK_FALSE(side.session_open());
        CHECK_FALSE(board.running());
        CHECK(side.state() == board_state::stopped);
        CHECK(board.watched.empty());
        CHECK(error_of(host.request(protocol::read_counters_request{})) == reason::bad_session);
        host_type other{side, 0x0DDBA11u, 1};
        CHECK(other.hello().head.type == protocol::message_type::hello_reply);
        CHECK(board.committed);
    }
    SECTION("session 0 is never a session") {
        host.request(protocol::bye_request{});
        host_type nobody{side, 0u, 1};
        CHECK(error_of(nobody.hello()) == reason::bad_session);
    }
}

TEST_CASE("protocol: the board refuses and counts bad frames", "[firmware][protocol]") {
    fake_board board;
    side_type side(board);
    host_type host{side};
    host.hello();
    bytes good = encode(steps(1), host.session, host.sequence);

    bytes bad_crc = good;
    bad_crc.back() ^= 1;
    CHECK_FALSE(host.send_frame(bad_crc).present);
    bytes bad_magic = good;
    bad_magic[1] = 'X';
    CHECK_FALSE(host.send_frame(bad_magic).present);
    CHECK_FALSE(host.send_frame(bytes(good.begin(), good.end() - 1)).present);
    CHECK_FALSE(host.send_frame(bytes(good.begin(), good.begin() + 10)).present);
    bytes bad_version = good;
    bad_version[4] = 9;
    const auto version = host.send_frame(bad_version);
    CHECK(error_of(version) == reason::bad_version);
    CHECK(version.as<protocol::error_reply>().detail == protocol::version);
    protocol::ack_reply reply_sent_to_board;
    CHECK_FALSE(host.send_frame(encode(reply_sent_to_board, host.session, 1)).present);

    CHECK(refused(side, reason::bad_crc) == 1);
    CHECK(refused(side, reason::bad_magic) == 1);
    CHECK(refused(side, reason::bad_length) == 1);
    CHECK(refused(side, reason::too_short) == 1);
    CHECK(refused(side, reason::bad_version) == 1);
    CHECK(refused(side, reason::not_a_request) == 1);
    CHECK(board.current_step() == 0); // none was acted on
}

TEST_CASE("protocol: requests out of the window or repeated are never applied twice",
          "[firmware][protocol]") {
    fake_board board;
    side_type side(board);
    host_type host{side};
    host.sequence = 0xFFFFFFF0u; // the session crosses the wrap of the sequence numbers
    load(host, side);

    const std::uint32_t s = host.sequence++;
    const bytes step_once = encode(steps(1), host.session, s);
    CHECK(acked(host.send_frame(step_once)));
    CHECK(board.current_step() == 1);
    SECTION("a duplicate is acknowledged as one and not applied") {
        const auto again = host.send_frame(step_once);
        REQUIRE(again.head.type == protocol::message_type::ack);
        CHECK(again.as<protocol::ack_reply>().outcome == protocol::ack_outcome::duplicate);
        CHECK(board.current_step() == 1);
        CHECK(refused(side, reason::duplicate) == 1);
    }
    SECTION("a duplicate of a refused request gets the same refusal") {
        host.request(protocol::start_request{});
        const bytes start_again = encode(protocol::start_request{}, host.session, host.sequence);
        CHECK(error_of(host.send_frame(start_again)) == reason::wrong_state);
        CHECK(error_of(host.send_frame(start_again)) == reason::wrong_state);
        CHECK(refused(side, reason::wrong_state) == 1);
        CHECK(refused(side, reason::duplicate) == 1);
    }
    SECTION("out of order inside the window is applied once each") {
        const bytes later = encode(steps(10), host.session, s + 3);
        const bytes earlier = encode(steps(100), host.session, s + 1);
        CHECK(acked(host.send_frame(later)));
        CHECK(acked(host.send_frame(earlier)));
        CHECK_FALSE(acked(host.send_frame(later)));
        CHECK(board.current_step() == 111);
    }
    SECTION("too far ahead or too old is refused unanswered") {
        CHECK_FALSE(host.send_frame(encode(steps(1), host.session, s + 65)).present);
        host.sequence = s + 64;
        CHECK(acked(host.request(steps(1))));
        CHECK_FALSE(host.send_frame(step_once).present); // now too old to tell
        CHECK(refused(side, reason::out_of_window) == 2);
        CHECK(board.current_step() == 2);
    }
}

TEST_CASE("protocol: the state machine's transitions and refusals", "[firmware][protocol]") {
    fake_board board;
    side_type side(board);
    host_type host{side};
    host.hello();
    auto state_of = [](const sf_test_protocol::reply& r) {
        return r.head.type == protocol::message_type::ack ? r.as<protocol::ack_reply>().state
                                                          : r.as<protocol::error_reply>().state;
    };

    CHECK(error_of(host.request(steps(1))) == reason::not_loaded);
    CHECK(error_of(host.request(protocol::start_request{})) == reason::not_loaded);
    CHECK(error_of(host.request(protocol::load_commit_request{})) == reason::no_transfer);
    CHECK(error_of(host.request(protocol::read_recording_request{})) == reason::not_loaded);
    CHECK(refused(side, reason::not_loaded) == 3);
    CHECK(board.current_step() == 0);

    host.request(protocol::bye_request{});
    host.session += 1;
    load(host, side);
    CHECK(error_of(host.request(steps(0))) == reason::bad_argument);
    const auto stepped = host.request(steps(5));
    CHECK(state_of(stepped) == board_state::stopped);
    CHECK(stepped.as<protocol::ack_reply>().step == 5);

    CHECK(state_of(host.request(protocol::start_request{})) == board_state::running);
    CHECK(error_of(host.request(steps(1))) == reason::wrong_state);
    CHECK(error_of(host.request(protocol::start_request{})) == reason::wrong_state);
    protocol::load_begin_request reload;
    reload.total_bytes = 10;
    reload.chunk_bytes = 10;
    reload.chunk_count = 1;
    CHECK(error_of(host.request(reload)) == reason::wrong_state);
    CHECK(state_of(host.request(protocol::stop_request{})) == board_state::stopped);
    CHECK(state_of(host.request(protocol::stop_request{})) == board_state::stopped);

    protocol::run_request run;
    run.microseconds = 250000;
    CHECK(state_of(host.request(run)) == board_state::running);
    CHECK(board.run_microseconds == 250000);
    board.finish_run();
    CHECK(state_of(host.request(steps(2))) == board_state::stopped);
    CHECK(board.current_step() == 7);

    board.recording = {1, 2, 3, 4, 5};
    protocol::read_recording_request read;
    read.offset = 1;
    read.max_bytes = 3;
    // The reply's data is a view into the frame: the frame must outlive it.
    const auto answer = host.request(read);
    const auto data = answer.as<protocol::recording_data_reply>();
    CHECK(data.total == 5);
    CHECK(bytes(data.data, data.data + data.length) == bytes{2, 3, 4});

    const auto counters = host.request(protocol::read_counters_request{});
    CHECK(counters.as<protocol::counters_reply>().values.kernel.steps == 7);

    CHECK(state_of(host.request(protocol::reset_request{})) == board_state::idle);
    CHECK(board.resets == 1);
    CHECK(error_of(host.request(steps(1))) == reason::not_loaded);
    CHECK(side.session_open()); // a reset keeps the session
}

TEST_CASE("protocol: a lossy image load resends only the missing chunks", "[firmware][protocol]") {
    const std::uint32_t seed = GENERATE(1u, 2u, 3u);
    INFO("seed " << seed);
    std::mt19937 random(seed);
    fake_board board;
    side_type side(board);
    host_type host{side};
    host.hello();
    image_upload upload(200 * 1000 + 123, 1000, seed);
    REQUIRE(upload.chunks() == 201);
    upload.transfer = host.sequence;
    REQUIRE(acked(host.request(upload.begin())));

    std::set<std::uint32_t> to_send;
    for (std::uint32_t c = 0; c < upload.chunks(); ++c) {
        to_send.insert(c);
    }
    std::uint64_t sent = 0;
    std::uint64_t dropped = 0;
    int rounds = 0;
    while (!to_send.empty()) {
        REQUIRE(++rounds < 20);
        for (std::uint32_t c : to_send) {
            ++sent;
            if (random() % 10 == 0) { // the link loses one chunk in ten
                ++dropped;
                continue;
            }
            const bytes frame = upload.chunk(c, host.session);
            REQUIRE_FALSE(host.send_frame(frame).present);
            if (random() % 20 == 0) {
                host.send_frame(frame); // and sometimes delivers one twice
            }
        }
        // The host asks which are missing and resends exactly those.
        std::set<std::uint32_t> missing;
        std::uint32_t first = 0;
        std::uint32_t total = 0;
        do {
            protocol::load_query_request query;
            query.first_chunk = first;
            const auto answer = host.request(query); // the bitmap is a view into its frame
            const auto report = answer.as<protocol::load_missing_reply>();
            REQUIRE(report.transfer == upload.transfer);
            REQUIRE(report.covered > 0);
            for (std::uint32_t k = 0; k < report.covered; ++k) {
                if (report.is_missing(k)) {
                    missing.insert(first + k);
                }
            }
            total = report.missing;
            first += report.covered;
        } while (first < upload.chunks());
        CHECK(missing.size() == total);
        for (std::uint32_t c : missing) {
            CHECK(to_send.count(c) == 1); // only chunks sent and lost are missing
        }
        to_send = missing;
    }
    CHECK(dropped > 0);
    CHECK(sent == upload.chunks() + dropped);
    REQUIRE(acked(host.request(protocol::load_commit_request{})));
    CHECK(board.image == upload.image);
    CHECK(board.writes.size() == upload.chunks());
    for (const auto& [offset, times] : board.writes) {
        CHECK(times == 1); // nothing applied twice
    }
    CHECK(side.counters().chunks_written == upload.chunks());
    CHECK(side.state() == board_state::loaded);
}

TEST_CASE("protocol: chunks that do not belong are refused", "[firmware][protocol]") {
    fake_board board;
    side_type side(board);
    host_type host{side};
    host.hello();
    image_upload upload(2500, 1000, 4);
    upload.transfer = host.sequence;

    CHECK_FALSE(host.send_frame(upload.chunk(0, host.session)).present); // before load_begin
    CHECK(refused(side, reason::no_transfer) == 1);
    REQUIRE(acked(host.request(upload.begin())));
    CHECK(error_of(host.request(protocol::load_commit_request{})) == reason::incomplete);

    image_upload stale = upload;
    stale.transfer += 1;
    host.send_frame(stale.chunk(0, host.session));
    host.send_frame(upload.chunk(0, host.session + 1));
    bytes damaged = upload.chunk(1, host.session);
    protocol::load_chunk m;
    protocol::frame f;
    REQUIRE(protocol::decode_frame(damaged.data(), damaged.size(), f) ==
            protocol::decode_status::ok);
    REQUIRE(protocol::decode_message(f, m));
    m.chunk_crc ^= 1;
    host.send_frame(encode(m, host.session, 1));
    m.chunk_crc ^= 1;
    host.send_frame(encode(m, host.session, 2)); // intact, but at another chunk's place
    host.send_frame(stale.chunk(2, host.session));
    CHECK(refused(side, reason::no_transfer) == 3);
    CHECK(refused(side, reason::bad_session) == 1);
    CHECK(refused(side, reason::chunk_crc) == 1);
    CHECK(refused(side, reason::chunk_range) == 1);
    CHECK(board.writes.empty());

    protocol::load_begin_request too_big = upload.begin();
    too_big.total_bytes = 1000 * 300;
    too_big.chunk_count = 300;
    CHECK(error_of(host.request(too_big)) == reason::too_large);

    board.accept_image = false;
    upload.transfer = host.sequence;
    REQUIRE(acked(host.request(upload.begin())));
    for (std::uint32_t c = 0; c < upload.chunks(); ++c) {
        host.send_frame(upload.chunk(c, host.session));
    }
    CHECK(error_of(host.request(protocol::load_commit_request{})) == reason::image_refused);
    CHECK(side.state() == board_state::idle);
}

TEST_CASE("protocol: injected spikes are counted, late or lost, never overrun",
          "[firmware][protocol]") {
    fake_board board;
    board.queue_capacity = 8;
    side_type side(board);
    host_type host{side};
    load(host, side);
    CHECK(host.request(steps(10)).as<protocol::ack_reply>().inject_limit == 8);

    auto inject = [&](std::uint32_t first, std::uint32_t step, std::vector<std::uint32_t> keys) {
        protocol::spikes_in m;
        m.step = step;
        m.key_words = keys.data();
        m.count = static_cast<std::uint16_t>(keys.size());
        CHECK_FALSE(host.send_frame(encode(m, host.session, first)).present);
    };
    inject(0, 20, {1, 2, 3});
    inject(0, 20, {1, 2, 3}); // the same frame again: stale
    inject(5, 20, {4, 5});    // events 3 and 4 were lost
    inject(7, 5, {6});        // for a step already computed: late
    inject(8, 20, {7});       // past the limit of 8: an overrun
    const protocol::board_counters c = side.counters();
    CHECK(c.inject_frames == 3);
    CHECK(c.inject_events == 5);
    CHECK(c.inject_lost == 2);
    CHECK(c.inject_late == 1);
    CHECK(refused(side, reason::duplicate) == 1);
    CHECK(refused(side, reason::overrun) == 1);
    REQUIRE(board.injected.size() == 5);
    for (const auto& s : board.injected) {
        CHECK(s.step == 20);
    }
    // The queue holds 5 of 8: the new limit leaves room for 3 more after event 8.
    protocol::credit_request credit;
    credit.spikes_out_limit = 1000;
    CHECK(host.request(credit).as<protocol::ack_reply>().inject_limit == 11);
}

TEST_CASE("protocol: spikes go out within the host's credit", "[firmware][protocol]") {
    fake_board board;
    board.spikes_per_step = 5;
    side_type side(board);
    host_type host{side};
    load(host, side, 12);
    std::vector<std::uint8_t> out(protocol::max_frame);
    CHECK(side.poll_output(out.data(), out.size()) == 0); // nothing computed yet
    host.request(steps(4));                               // 20 spikes, credit for 12

    std::uint32_t next = 0;
    std::vector<std::uint32_t> steps_seen;
    auto drain = [&] {
        for (std::size_t size; (size = side.poll_output(out.data(), out.size())) != 0;) {
            protocol::frame f;
            REQUIRE(protocol::decode_frame(out.data(), size, f) == protocol::decode_status::ok);
            protocol::spikes_out m;
            REQUIRE(protocol::decode_message(f, m));
            CHECK(f.head.session == host.session);
            CHECK(f.head.sequence == next); // the index of its first event
            next += m.count;
            steps_seen.push_back(m.step);
        }
    };
    drain();
    CHECK(next == 12); // never past the credit
    CHECK(steps_seen == std::vector<std::uint32_t>{1, 2, 3});
    CHECK(board.out.size() == 2); // the rest wait on the board

    protocol::credit_request credit;
    credit.spikes_out_limit = 100;
    CHECK(acked(host.request(credit)));
    drain();
    CHECK(next == 20);
    CHECK(steps_seen == std::vector<std::uint32_t>{1, 2, 3, 3, 4});
    const protocol::board_counters c = side.counters();
    CHECK(c.output_frames == 5);
    CHECK(c.output_events == 20);

    SECTION("a step without spikes goes out as an empty frame") {
        board.spikes_per_step = 0;
        host.request(steps(1));
        drain();
        CHECK(steps_seen.back() == 5);
        CHECK(next == 20);
    }
}

TEST_CASE("protocol: watch chooses the spikes that go out", "[firmware][protocol]") {
    fake_board board;
    side_type side(board);
    host_type host{side};
    REQUIRE(host.hello().present);
    protocol::watch_request watch;
    watch.count = 2;
    watch.filters[0] = {0x100, 0xFFFFFF00};
    watch.filters[1] = {0x300, 0xFFFFFFF0};
    CHECK(acked(host.request(watch)));
    REQUIRE(board.watched.size() == 2);
    CHECK(board.watched[1].key == 0x300);
    CHECK(board.watched[1].mask == 0xFFFFFFF0);

    // More filters than a frame may name, and a count that disagrees with the length.
    auto raw_watch = [&](std::uint32_t count, std::size_t filters) {
        bytes frame_bytes(protocol::header_bytes + 4 + 8 * filters, 0);
        protocol::byte_writer w(frame_bytes.data() + protocol::header_bytes, 4);
        w.put_u32(count);
        protocol::header h;
        h.type = protocol::message_type::watch;
        h.payload_length = static_cast<std::uint16_t>(4 + 8 * filters);
        h.session = host.session;
        h.sequence = host.sequence++;
        REQUIRE(protocol::finish_frame(frame_bytes.data(), frame_bytes.size(), h) ==
                frame_bytes.size());
        return error_of(host.send_frame(frame_bytes));
    };
    CHECK(raw_watch(65, 65) == protocol::reason::bad_payload);
    CHECK(raw_watch(2, 1) == protocol::reason::bad_payload);
    CHECK(board.watched.size() == 2); // never acted on
}
