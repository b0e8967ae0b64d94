// The protocol's frames and messages: the CRC, the header's refusals in the order they are
// checked, and every message type through encode and decode with its length and range checks.
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/protocol/frame.hpp>
#include <sf/firmware/protocol/messages.hpp>

#include "test_protocol_board.hpp"

namespace {

namespace protocol = sf::firmware::protocol;
using protocol::decode_status;
using sf_test_protocol::bytes;
using sf_test_protocol::encode;

decode_status status_of(const bytes& b) {
    protocol::frame f;
    return protocol::decode_frame(b.data(), b.size(), f);
}

// The frame round_trip decoded last: its views point into it.
bytes last_frame;

// Decodes a frame of `m` back into an M.
template <class M>
M round_trip(const M& m, std::uint32_t session = 9, std::uint32_t sequence = 77) {
    last_frame = encode(m, session, sequence);
    const bytes& b = last_frame;
    protocol::frame f;
    REQUIRE(protocol::decode_frame(b.data(), b.size(), f) == decode_status::ok);
    CHECK(f.head.type == M::type);
    CHECK(f.head.session == session);
    CHECK(f.head.sequence == sequence);
    CHECK(f.head.payload_length == b.size() - protocol::header_bytes);
    M back;
    REQUIRE(protocol::decode_message(f, back));
    return back;
}

// The frame of `m` with its payload length changed by `delta` bytes and its CRC made good again:
// an intact frame whose payload does not have the message's length.
template <class M>
bool decodes_with_length_change(const M& m, int delta) {
    bytes b = encode(m, 1, 1);
    protocol::header h = protocol::peek_header(b.data());
    const std::size_t length = static_cast<std::size_t>(static_cast<int>(h.payload_length) + delta);
    b.resize(protocol::header_bytes + length, 0);
    h.payload_length = static_cast<std::uint16_t>(length);
    REQUIRE(protocol::finish_frame(b.data(), b.size(), h) == b.size());
    protocol::frame f;
    REQUIRE(protocol::decode_frame(b.data(), b.size(), f) == decode_status::ok);
    M back;
    return protocol::decode_message(f, back);
}

} // namespace

TEST_CASE("protocol: CRC-32 is the IEEE check value", "[firmware][protocol]") {
    const std::string check = "123456789";
    const auto* data = reinterpret_cast<const std::uint8_t*>(check.data());
    CHECK(protocol::crc32(data, check.size()) == 0xCBF43926u);
    CHECK(protocol::crc32(nullptr, 0) == 0u);
    const std::uint32_t split = protocol::crc32_finish(protocol::crc32_update(
        protocol::crc32_update(protocol::crc32_start, data, 4), data + 4, 5));
    CHECK(split == 0xCBF43926u);
}

TEST_CASE("protocol: a frame's header is little-endian at fixed offsets", "[firmware][protocol]") {
    protocol::step_request m;
    m.steps = 0x01020304u;
    const bytes b = encode(m, 0xA1B2C3D4u, 0x11223344u);
    REQUIRE(b.size() == protocol::header_bytes + 4);
    CHECK(bytes(b.begin(), b.begin() + 4) == bytes{'S', 'F', 'R', 'P'});
    CHECK(b[4] == protocol::version);
    CHECK(b[5] == 0x08);
    CHECK(b[6] == 4);
    CHECK(b[7] == 0);
    CHECK(bytes(b.begin() + 8, b.begin() + 12) == bytes{0xD4, 0xC3, 0xB2, 0xA1});
    CHECK(bytes(b.begin() + 12, b.begin() + 16) == bytes{0x44, 0x33, 0x22, 0x11});
    CHECK(bytes(b.begin() + 20, b.end()) == bytes{0x04, 0x03, 0x02, 0x01});
    // The CRC covers the header before it and the payload.
    bytes covered(b.begin(), b.begin() + 16);
    covered.insert(covered.end(), b.begin() + 20, b.end());
    CHECK(protocol::load_u32(b.data() + 16) == protocol::crc32(covered.data(), covered.size()));
}

TEST_CASE("protocol: each refusal of a frame has its reason", "[firmware][protocol]") {
    protocol::run_request m;
    m.microseconds = 1000;
    const bytes good = encode(m, 3, 4);
    REQUIRE(status_of(good) == decode_status::ok);

    SECTION("too short") {
        CHECK(status_of(bytes(good.begin(), good.begin() + 19)) == decode_status::too_short);
        CHECK(status_of(bytes{}) == decode_status::too_short);
    }
    SECTION("bad magic") {
        bytes b = good;
        b[0] ^= 0x20;
        CHECK(status_of(b) == decode_status::bad_magic);
    }
    SECTION("bad version") {
        bytes b = good;
        b[4] = 2;
        CHECK(status_of(b) == decode_status::bad_version);
    }
    SECTION("bad length: the datagram is longer or shorter than the header says") {
        bytes longer = good;
        longer.push_back(0);
        CHECK(status_of(longer) == decode_status::bad_length);
        CHECK(status_of(bytes(good.begin(), good.end() - 1)) == decode_status::bad_length);
        bytes huge(protocol::max_frame + 8, 0);
        protocol::header h;
        h.payload_length = static_cast<std::uint16_t>(protocol::max_payload + 8);
        CHECK(protocol::finish_frame(huge.data(), huge.size(), h) == 0); // never written
        std::copy(good.begin(), good.begin() + 6, huge.begin());
        huge[6] = static_cast<std::uint8_t>(h.payload_length);
        huge[7] = static_cast<std::uint8_t>(h.payload_length >> 8);
        CHECK(status_of(huge) == decode_status::bad_length);
    }
    SECTION("bad CRC: any flipped bit") {
        for (std::size_t at = 5; at < good.size(); ++at) {
            if (at == 6 || at == 7) {
                continue; // the length field: refused as bad_length first
            }
            bytes b = good;
            b[at] ^= 0x01;
            CHECK(status_of(b) == decode_status::bad_crc);
        }
    }
    SECTION("unknown type, intact") {
        bytes b = good;
        protocol::header h = protocol::peek_header(b.data());
        h.type = static_cast<protocol::message_type>(0x3F);
        REQUIRE(protocol::finish_frame(b.data(), b.size(), h) == b.size());
        CHECK(status_of(b) == decode_status::unknown_type);
    }
}

TEST_CASE("protocol: the largest frames fit their links", "[firmware][protocol]") {
    CHECK(protocol::max_frame_udp == 1500 - 20 - 8);
    CHECK(protocol::max_keys(protocol::max_frame_udp) == 362);
    std::vector<std::uint32_t> keys(protocol::max_keys(protocol::max_frame_udp), 0xABCDu);
    protocol::spikes_out m;
    m.key_words = keys.data();
    m.count = static_cast<std::uint16_t>(keys.size());
    bytes out(protocol::max_frame_udp);
    CHECK(protocol::encode_message(out.data(), out.size(), 1, 1, m) <= protocol::max_frame_udp);
    CHECK(protocol::encode_message(out.data(), out.size() - 1, 1, 1, m) == 0);
}

TEST_CASE("protocol: every request survives a round trip", "[firmware][protocol]") {
    protocol::hello_request hello;
    hello.take_over = true;
    hello.max_frame = 4096;
    hello.spikes_out_limit = 0xFFFFFFF0u;
    const auto hello_back = round_trip(hello);
    CHECK(hello_back.take_over);
    CHECK(hello_back.max_frame == 4096);
    CHECK(hello_back.spikes_out_limit == 0xFFFFFFF0u);

    round_trip(protocol::bye_request{});
    round_trip(protocol::load_commit_request{});
    round_trip(protocol::start_request{});
    round_trip(protocol::stop_request{});
    round_trip(protocol::read_counters_request{});
    round_trip(protocol::reset_request{});

    protocol::load_begin_request begin;
    begin.total_bytes = 10001;
    begin.chunk_bytes = 1000;
    begin.chunk_count = 11;
    const auto begin_back = round_trip(begin);
    CHECK(begin_back.total_bytes == 10001);
    CHECK(begin_back.chunk_bytes == 1000);
    CHECK(begin_back.chunk_count == 11);

    protocol::load_query_request query;
    query.first_chunk = 4096;
    CHECK(round_trip(query).first_chunk == 4096);
    protocol::step_request step;
    step.steps = 0xFFFFFFFFu;
    CHECK(round_trip(step).steps == 0xFFFFFFFFu);
    protocol::run_request run;
    run.microseconds = 0x0123456789ABCDEFull;
    CHECK(round_trip(run).microseconds == 0x0123456789ABCDEFull);
    protocol::read_recording_request read;
    read.offset = 123456;
    read.max_bytes = 1400;
    const auto read_back = round_trip(read);
    CHECK(read_back.offset == 123456);
    CHECK(read_back.max_bytes == 1400);
    protocol::credit_request credit;
    credit.spikes_out_limit = 77;
    CHECK(round_trip(credit).spikes_out_limit == 77);
}

TEST_CASE("protocol: chunks and spikes survive a round trip", "[firmware][protocol]") {
    const bytes data{1, 2, 3, 4, 5, 6, 7};
    protocol::load_chunk chunk;
    chunk.transfer = 12;
    chunk.offset = 7000;
    chunk.chunk_crc = protocol::crc32(data.data(), data.size());
    chunk.data = data.data();
    chunk.length = static_cast<std::uint16_t>(data.size());
    const auto chunk_back = round_trip(chunk, 1, 7);
    CHECK(chunk_back.transfer == 12);
    CHECK(chunk_back.offset == 7000);
    CHECK(chunk_back.chunk_crc == chunk.chunk_crc);
    CHECK(bytes(chunk_back.data, chunk_back.data + chunk_back.length) == data);

    const std::vector<std::uint32_t> keys{0x00010002u, 0xFFFFFFFFu, 0u};
    protocol::spikes_in in;
    in.step = 0xFFFFFFFFu;
    in.key_words = keys.data();
    in.count = 3;
    const auto in_back = round_trip(in);
    CHECK(in_back.step == 0xFFFFFFFFu);
    REQUIRE(in_back.count == 3);
    for (std::size_t k = 0; k < keys.size(); ++k) {
        CHECK(in_back.key(k) == keys[k]);
    }
    protocol::spikes_out empty;
    empty.step = 5;
    const auto empty_back = round_trip(empty);
    CHECK(empty_back.step == 5);
    CHECK(empty_back.count == 0);
}

TEST_CASE("protocol: every reply survives a round trip", "[firmware][protocol]") {
    protocol::ack_reply ack;
    ack.outcome = protocol::ack_outcome::duplicate;
    ack.state = protocol::board_state::stopped;
    ack.step = 99;
    ack.inject_limit = 1234;
    const auto ack_back = round_trip(ack);
    CHECK(ack_back.outcome == protocol::ack_outcome::duplicate);
    CHECK(ack_back.state == protocol::board_state::stopped);
    CHECK(ack_back.step == 99);
    CHECK(ack_back.inject_limit == 1234);

    protocol::error_reply error;
    error.why = protocol::reason::incomplete;
    error.request_type = 0x05;
    error.state = protocol::board_state::idle;
    error.detail = 17;
    const auto error_back = round_trip(error);
    CHECK(error_back.why == protocol::reason::incomplete);
    CHECK(error_back.request_type == 0x05);
    CHECK(error_back.detail == 17);

    protocol::hello_reply hello;
    hello.state = protocol::board_state::running;
    hello.max_frame = 1472;
    hello.board_id = 1;
    hello.chips = 48;
    hello.cores = 864;
    hello.max_image_bytes = 1u << 24;
    hello.max_chunks = 4096;
    hello.request_window = 64;
    hello.step = 3;
    hello.inject_limit = 256;
    const auto hello_back = round_trip(hello);
    CHECK(hello_back.protocol_version == protocol::version);
    CHECK(hello_back.state == protocol::board_state::running);
    CHECK(hello_back.chips == 48);
    CHECK(hello_back.cores == 864);
    CHECK(hello_back.max_image_bytes == 1u << 24);
    CHECK(hello_back.max_chunks == 4096);
    CHECK(hello_back.request_window == 64);
    CHECK(hello_back.inject_limit == 256);

    const bytes bitmap{0x05, 0x01};
    protocol::load_missing_reply missing;
    missing.transfer = 3;
    missing.first_chunk = 8;
    missing.covered = 9;
    missing.missing = 3;
    missing.bitmap = bitmap.data();
    const auto missing_back = round_trip(missing);
    CHECK(missing_back.covered == 9);
    CHECK(missing_back.missing == 3);
    CHECK(missing_back.is_missing(0));
    CHECK_FALSE(missing_back.is_missing(1));
    CHECK(missing_back.is_missing(2));
    CHECK(missing_back.is_missing(8));

    const bytes data{9, 8, 7};
    protocol::recording_data_reply recording;
    recording.offset = 10;
    recording.total = 13;
    recording.data = data.data();
    recording.length = 3;
    const auto recording_back = round_trip(recording);
    CHECK(recording_back.total == 13);
    CHECK(bytes(recording_back.data, recording_back.data + recording_back.length) == data);

    protocol::counters_reply counters;
    protocol::refused(counters.values, protocol::reason::bad_crc) = 5;
    counters.values.inject_lost = 6;
    counters.values.output_dropped = 7;
    counters.values.kernel.program_faults = 8;
    const auto counters_back = round_trip(counters);
    CHECK(protocol::refused(counters_back.values, protocol::reason::bad_crc) == 5);
    CHECK(counters_back.values.inject_lost == 6);
    CHECK(counters_back.values.output_dropped == 7);
    CHECK(counters_back.values.kernel.program_faults == 8);
}

TEST_CASE("protocol: a payload of the wrong length or range is refused", "[firmware][protocol]") {
    protocol::step_request step;
    step.steps = 1;
    CHECK(decodes_with_length_change(step, 0));
    CHECK_FALSE(decodes_with_length_change(step, 1));
    CHECK_FALSE(decodes_with_length_change(step, -1));
    CHECK_FALSE(decodes_with_length_change(protocol::start_request{}, 4));
    protocol::spikes_in in;
    CHECK_FALSE(decodes_with_length_change(in, 2));  // keys are whole words
    CHECK_FALSE(decodes_with_length_change(in, -4)); // no step

    protocol::load_begin_request begin;
    begin.total_bytes = 100;
    begin.chunk_bytes = 10;
    begin.chunk_count = 11; // 10 chunks hold 100 bytes
    protocol::frame f;
    const bytes b = encode(begin, 1, 1);
    REQUIRE(protocol::decode_frame(b.data(), b.size(), f) == decode_status::ok);
    protocol::load_begin_request back;
    CHECK_FALSE(protocol::decode_message(f, back));

    protocol::hello_request hello;
    hello.max_frame = 8192; // larger than any link's frame
    const bytes h = encode(hello, 1, 1);
    REQUIRE(protocol::decode_frame(h.data(), h.size(), f) == decode_status::ok);
    protocol::hello_request hello_back;
    CHECK_FALSE(protocol::decode_message(f, hello_back));
    protocol::step_request other; // a frame of another type
    CHECK_FALSE(protocol::decode_message(f, other));
}
