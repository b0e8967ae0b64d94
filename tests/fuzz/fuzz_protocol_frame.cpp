// libFuzzer target for the protocol's frame and message decoders, which read whatever a network or
// USB link delivers: nothing may read outside the input, and every frame and payload that decodes
// must encode back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sf/firmware/protocol/frame.hpp>
#include <sf/firmware/protocol/messages.hpp>

namespace protocol = sf::firmware::protocol;

namespace {

[[noreturn]] void fail(const char* what, const protocol::frame& f) {
    std::fprintf(stderr, "fuzz_protocol_frame: %s (type 0x%02x, payload %u bytes)\n", what,
                 static_cast<unsigned>(f.head.type), static_cast<unsigned>(f.head.payload_length));
    std::abort();
}

// Decodes the frame's payload as M if it is of M's type, and checks that it encodes back.
template <class M>
void check_as(const protocol::frame& f, const std::uint8_t* data, std::size_t size) {
    M m;
    if (!protocol::decode_message(f, m)) {
        return;
    }
    static std::uint8_t again[protocol::max_frame];
    const std::size_t length =
        protocol::encode_message(again, sizeof again, f.head.session, f.head.sequence, m);
    if (length != size || std::memcmp(again, data, size) != 0) {
        fail("a decoded message does not encode back to its frame", f);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    protocol::frame f;
    if (protocol::decode_frame(data, size, f) != protocol::decode_status::ok) {
        return 0;
    }
    if (f.payload != data + protocol::header_bytes ||
        protocol::header_bytes + f.head.payload_length != size) {
        fail("a frame's payload is not where its header says", f);
    }
    check_as<protocol::hello_request>(f, data, size);
    check_as<protocol::bye_request>(f, data, size);
    check_as<protocol::load_begin_request>(f, data, size);
    check_as<protocol::load_query_request>(f, data, size);
    check_as<protocol::load_commit_request>(f, data, size);
    check_as<protocol::start_request>(f, data, size);
    check_as<protocol::stop_request>(f, data, size);
    check_as<protocol::step_request>(f, data, size);
    check_as<protocol::run_request>(f, data, size);
    check_as<protocol::read_recording_request>(f, data, size);
    check_as<protocol::read_counters_request>(f, data, size);
    check_as<protocol::reset_request>(f, data, size);
    check_as<protocol::credit_request>(f, data, size);
    check_as<protocol::load_chunk>(f, data, size);
    check_as<protocol::spikes_in>(f, data, size);
    check_as<protocol::spikes_out>(f, data, size);
    check_as<protocol::ack_reply>(f, data, size);
    check_as<protocol::error_reply>(f, data, size);
    check_as<protocol::hello_reply>(f, data, size);
    check_as<protocol::load_missing_reply>(f, data, size);
    check_as<protocol::recording_data_reply>(f, data, size);
    if (f.head.payload_length == 4 + 8 * protocol::counter_values) {
        check_as<protocol::counters_reply>(f, data, size); // a later version may append counters
    }
    return 0;
}
