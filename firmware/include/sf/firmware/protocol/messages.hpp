#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/protocol/bytes.hpp>
#include <sf/firmware/protocol/counters.hpp>
#include <sf/firmware/protocol/frame.hpp>
#include <sf/firmware/protocol/status.hpp>

// The payload of every message type (docs/protocol.md, "Messages"), with its encoding into and
// decoding from a frame. Decoding checks the exact length and every field's range; variable
// parts (chunk data, keys, bitmaps, recordings) are views into the frame. Freestanding.
namespace sf::firmware::protocol {

// A spike's key matches when key & mask equals the filter's key.
struct key_filter {
    std::uint32_t key = 0;
    std::uint32_t mask = 0;
};

// Messages whose payload is empty.
struct empty_payload {};

// Requests.
struct hello_request {
    static constexpr message_type type = message_type::hello;
    static constexpr std::uint8_t take_over_flag = 1;
    bool take_over = false;                  // replace a session that holds the board
    std::uint16_t max_frame = max_frame_udp; // the largest frame the host accepts
    std::uint32_t spikes_out_limit = 0;      // the first credit limit of the spikes_out stream
};
struct bye_request : empty_payload {
    static constexpr message_type type = message_type::bye;
};
struct load_begin_request {
    static constexpr message_type type = message_type::load_begin;
    std::uint32_t total_bytes = 0;
    std::uint16_t chunk_bytes = 0;
    std::uint32_t chunk_count = 0;
};
struct load_query_request {
    static constexpr message_type type = message_type::load_query;
    std::uint32_t first_chunk = 0;
};
struct load_commit_request : empty_payload {
    static constexpr message_type type = message_type::load_commit;
};
struct start_request : empty_payload {
    static constexpr message_type type = message_type::start;
};
struct stop_request : empty_payload {
    static constexpr message_type type = message_type::stop;
};
struct step_request {
    static constexpr message_type type = message_type::step;
    std::uint32_t steps = 0;
};
struct run_request {
    static constexpr message_type type = message_type::run;
    std::uint64_t microseconds = 0;
};
struct read_recording_request {
    static constexpr message_type type = message_type::read_recording;
    std::uint32_t offset = 0;
    std::uint16_t max_bytes = 0;
};
struct read_counters_request : empty_payload {
    static constexpr message_type type = message_type::read_counters;
};
struct reset_request : empty_payload {
    static constexpr message_type type = message_type::reset;
};
struct credit_request {
    static constexpr message_type type = message_type::credit;
    std::uint32_t spikes_out_limit = 0;
};
// Which of the board's spikes go out on the spikes_out stream: those whose key matches one of
// the filters (key & mask == filter key). An empty list sends none.
struct watch_request {
    static constexpr message_type type = message_type::watch;
    static constexpr std::size_t max_filters = 64;
    std::uint32_t count = 0;
    key_filter filters[max_filters] = {};
};

// Bulk: one chunk of the image; the frame's sequence number is the chunk's index.
struct load_chunk {
    static constexpr message_type type = message_type::load_chunk;
    static constexpr std::size_t fixed_bytes = 12;
    std::uint32_t transfer = 0; // the sequence number of the load_begin that opened the transfer
    std::uint32_t offset = 0;   // in the image, bytes
    std::uint32_t chunk_crc = 0;
    const std::uint8_t* data = nullptr;
    std::uint16_t length = 0;
};

// Streams: the spikes of one time step; the frame's sequence number is the first key's index.
template <message_type Type>
struct spikes {
    static constexpr message_type type = Type;
    static constexpr std::size_t fixed_bytes = 4;
    std::uint32_t step = 0;
    const std::uint8_t* key_bytes = nullptr;  // decoded: little-endian words in the frame
    const std::uint32_t* key_words = nullptr; // to encode
    std::uint16_t count = 0;

    constexpr std::uint32_t key(std::size_t k) const {
        return key_words != nullptr ? key_words[k] : load_u32(key_bytes + 4 * k);
    }
};
using spikes_in = spikes<message_type::spikes_in>;
using spikes_out = spikes<message_type::spikes_out>;
// The most keys one frame of `frame_size` bytes carries.
constexpr std::size_t max_keys(std::size_t frame_size) {
    return frame_size > header_bytes + 4 ? (frame_size - header_bytes - 4) / 4 : 0;
}

// Replies.
enum class ack_outcome : std::uint8_t { applied = 0, duplicate = 1 };
struct ack_reply {
    static constexpr message_type type = message_type::ack;
    ack_outcome outcome = ack_outcome::applied;
    board_state state = board_state::idle;
    std::uint32_t step = 0;         // the last step the board computed
    std::uint32_t inject_limit = 0; // the spikes_in stream's credit limit
};
struct error_reply {
    static constexpr message_type type = message_type::error;
    reason why = reason::none;
    std::uint8_t request_type = 0;
    board_state state = board_state::idle;
    std::uint32_t detail = 0;
};
struct hello_reply {
    static constexpr message_type type = message_type::hello_reply;
    std::uint8_t protocol_version = version;
    board_state state = board_state::idle;
    std::uint16_t max_frame = max_frame_udp; // the largest frame the board accepts and sends
    std::uint32_t board_id = 0;
    std::uint32_t chips = 0;
    std::uint32_t cores = 0;
    std::uint32_t max_image_bytes = 0;
    std::uint32_t max_chunks = 0;
    std::uint16_t request_window = 0;
    std::uint32_t step = 0;
    std::uint32_t inject_limit = 0;
};
struct load_missing_reply {
    static constexpr message_type type = message_type::load_missing;
    static constexpr std::size_t fixed_bytes = 16;
    std::uint32_t transfer = 0;
    std::uint32_t first_chunk = 0;
    std::uint32_t covered = 0; // chunks the bitmap covers
    std::uint32_t missing = 0; // chunks missing in the whole transfer
    const std::uint8_t* bitmap = nullptr;

    constexpr bool is_missing(std::uint32_t k) const {
        return (bitmap[k / 8] >> (k % 8) & 1u) != 0;
    }
};
struct recording_data_reply {
    static constexpr message_type type = message_type::recording_data;
    static constexpr std::size_t fixed_bytes = 8;
    std::uint32_t offset = 0;
    std::uint32_t total = 0; // bytes the recording holds
    const std::uint8_t* data = nullptr;
    std::uint16_t length = 0;
};
struct counters_reply {
    static constexpr message_type type = message_type::counters;
    board_counters values;
};

namespace detail {

constexpr bool valid_state(std::uint8_t s) {
    return s <= static_cast<std::uint8_t>(board_state::stopped);
}

constexpr void write_payload(byte_writer&, const empty_payload&) {}
constexpr bool read_payload(byte_reader&, empty_payload&) { return true; }

constexpr void write_payload(byte_writer& w, const hello_request& m) {
    w.put_u8(m.take_over ? hello_request::take_over_flag : 0);
    w.put_u8(0);
    w.put_u16(m.max_frame);
    w.put_u32(m.spikes_out_limit);
}
constexpr bool read_payload(byte_reader& r, hello_request& m) {
    const std::uint8_t flags = r.read_u8();
    const std::uint8_t zero = r.read_u8();
    m.take_over = (flags & hello_request::take_over_flag) != 0;
    m.max_frame = r.read_u16();
    m.spikes_out_limit = r.read_u32();
    return (flags & ~hello_request::take_over_flag) == 0 && zero == 0 &&
           m.max_frame >= header_bytes + 64 && m.max_frame <= max_frame;
}
constexpr void write_payload(byte_writer& w, const load_begin_request& m) {
    w.put_u32(m.total_bytes);
    w.put_u16(m.chunk_bytes);
    w.put_u16(0);
    w.put_u32(m.chunk_count);
}
constexpr bool read_payload(byte_reader& r, load_begin_request& m) {
    m.total_bytes = r.read_u32();
    m.chunk_bytes = r.read_u16();
    const std::uint16_t zero = r.read_u16();
    m.chunk_count = r.read_u32();
    const std::uint64_t needed =
        m.chunk_bytes == 0 ? 0 : (std::uint64_t{m.total_bytes} + m.chunk_bytes - 1) / m.chunk_bytes;
    return zero == 0 && m.chunk_bytes != 0 && m.total_bytes != 0 && m.chunk_count == needed &&
           m.chunk_bytes <= max_payload - load_chunk::fixed_bytes;
}
constexpr void write_payload(byte_writer& w, const load_query_request& m) {
    w.put_u32(m.first_chunk);
}
constexpr bool read_payload(byte_reader& r, load_query_request& m) {
    m.first_chunk = r.read_u32();
    return true;
}
constexpr void write_payload(byte_writer& w, const step_request& m) { w.put_u32(m.steps); }
constexpr bool read_payload(byte_reader& r, step_request& m) {
    m.steps = r.read_u32();
    return true;
}
constexpr void write_payload(byte_writer& w, const run_request& m) { w.put_u64(m.microseconds); }
constexpr bool read_payload(byte_reader& r, run_request& m) {
    m.microseconds = r.read_u64();
    return true;
}
constexpr void write_payload(byte_writer& w, const read_recording_request& m) {
    w.put_u32(m.offset);
    w.put_u16(m.max_bytes);
    w.put_u16(0);
}
constexpr bool read_payload(byte_reader& r, read_recording_request& m) {
    m.offset = r.read_u32();
    m.max_bytes = r.read_u16();
    return r.read_u16() == 0;
}
constexpr void write_payload(byte_writer& w, const credit_request& m) {
    w.put_u32(m.spikes_out_limit);
}
constexpr bool read_payload(byte_reader& r, credit_request& m) {
    m.spikes_out_limit = r.read_u32();
    return true;
}
constexpr void write_payload(byte_writer& w, const watch_request& m) {
    w.put_u32(m.count);
    for (std::uint32_t i = 0; i < m.count && i < watch_request::max_filters; ++i) {
        w.put_u32(m.filters[i].key);
        w.put_u32(m.filters[i].mask);
    }
}
constexpr bool read_payload(byte_reader& r, watch_request& m) {
    m.count = r.read_u32();
    if (m.count > watch_request::max_filters || r.remaining() != 8 * std::size_t{m.count}) {
        return false;
    }
    for (std::uint32_t i = 0; i < m.count; ++i) {
        m.filters[i].key = r.read_u32();
        m.filters[i].mask = r.read_u32();
    }
    return true;
}
constexpr void write_payload(byte_writer& w, const load_chunk& m) {
    w.put_u32(m.transfer);
    w.put_u32(m.offset);
    w.put_u32(m.chunk_crc);
    w.put_bytes(m.data, m.length);
}
constexpr bool read_payload(byte_reader& r, load_chunk& m) {
    m.transfer = r.read_u32();
    m.offset = r.read_u32();
    m.chunk_crc = r.read_u32();
    m.length = static_cast<std::uint16_t>(r.remaining());
    m.data = r.take(m.length);
    return m.length > 0;
}
template <message_type Type>
constexpr void write_payload(byte_writer& w, const spikes<Type>& m) {
    w.put_u32(m.step);
    for (std::size_t k = 0; k < m.count; ++k) {
        w.put_u32(m.key(k));
    }
}
template <message_type Type>
constexpr bool read_payload(byte_reader& r, spikes<Type>& m) {
    m.step = r.read_u32();
    const std::size_t bytes = r.remaining();
    m.count = static_cast<std::uint16_t>(bytes / 4);
    m.key_words = nullptr;
    m.key_bytes = r.take(bytes);
    return bytes % 4 == 0;
}
constexpr void write_payload(byte_writer& w, const ack_reply& m) {
    w.put_u8(static_cast<std::uint8_t>(m.outcome));
    w.put_u8(static_cast<std::uint8_t>(m.state));
    w.put_u16(0);
    w.put_u32(m.step);
    w.put_u32(m.inject_limit);
}
constexpr bool read_payload(byte_reader& r, ack_reply& m) {
    const std::uint8_t outcome = r.read_u8();
    const std::uint8_t state = r.read_u8();
    const std::uint16_t zero = r.read_u16();
    m.outcome = static_cast<ack_outcome>(outcome);
    m.state = static_cast<board_state>(state);
    m.step = r.read_u32();
    m.inject_limit = r.read_u32();
    return outcome <= 1 && valid_state(state) && zero == 0;
}
constexpr void write_payload(byte_writer& w, const error_reply& m) {
    w.put_u16(static_cast<std::uint16_t>(m.why));
    w.put_u8(m.request_type);
    w.put_u8(static_cast<std::uint8_t>(m.state));
    w.put_u32(m.detail);
}
constexpr bool read_payload(byte_reader& r, error_reply& m) {
    const std::uint16_t why = r.read_u16();
    m.why = static_cast<reason>(why);
    m.request_type = r.read_u8();
    const std::uint8_t state = r.read_u8();
    m.state = static_cast<board_state>(state);
    m.detail = r.read_u32();
    return why != 0 && why < reason_count && valid_state(state);
}
constexpr void write_payload(byte_writer& w, const hello_reply& m) {
    w.put_u8(m.protocol_version);
    w.put_u8(static_cast<std::uint8_t>(m.state));
    w.put_u16(m.max_frame);
    w.put_u32(m.board_id);
    w.put_u32(m.chips);
    w.put_u32(m.cores);
    w.put_u32(m.max_image_bytes);
    w.put_u32(m.max_chunks);
    w.put_u16(m.request_window);
    w.put_u16(0);
    w.put_u32(m.step);
    w.put_u32(m.inject_limit);
}
constexpr bool read_payload(byte_reader& r, hello_reply& m) {
    m.protocol_version = r.read_u8();
    const std::uint8_t state = r.read_u8();
    m.state = static_cast<board_state>(state);
    m.max_frame = r.read_u16();
    m.board_id = r.read_u32();
    m.chips = r.read_u32();
    m.cores = r.read_u32();
    m.max_image_bytes = r.read_u32();
    m.max_chunks = r.read_u32();
    m.request_window = r.read_u16();
    const std::uint16_t zero = r.read_u16();
    m.step = r.read_u32();
    m.inject_limit = r.read_u32();
    return valid_state(state) && zero == 0 && m.max_frame <= max_frame;
}
constexpr void write_payload(byte_writer& w, const load_missing_reply& m) {
    w.put_u32(m.transfer);
    w.put_u32(m.first_chunk);
    w.put_u32(m.covered);
    w.put_u32(m.missing);
    w.put_bytes(m.bitmap, (std::size_t{m.covered} + 7) / 8);
}
constexpr bool read_payload(byte_reader& r, load_missing_reply& m) {
    m.transfer = r.read_u32();
    m.first_chunk = r.read_u32();
    m.covered = r.read_u32();
    m.missing = r.read_u32();
    m.bitmap = r.take((std::size_t{m.covered} + 7) / 8);
    return m.bitmap != nullptr || m.covered == 0;
}
constexpr void write_payload(byte_writer& w, const recording_data_reply& m) {
    w.put_u32(m.offset);
    w.put_u32(m.total);
    w.put_bytes(m.data, m.length);
}
constexpr bool read_payload(byte_reader& r, recording_data_reply& m) {
    m.offset = r.read_u32();
    m.total = r.read_u32();
    m.length = static_cast<std::uint16_t>(r.remaining());
    m.data = r.take(m.length);
    return std::uint64_t{m.offset} + m.length <= m.total;
}
constexpr void write_payload(byte_writer& w, const counters_reply& m) {
    board_counters values = m.values;
    w.put_u32(static_cast<std::uint32_t>(counter_values));
    visit_counters(values, [&](std::uint64_t& v) { w.put_u64(v); });
}
constexpr bool read_payload(byte_reader& r, counters_reply& m) {
    // A later version may append counters; this one reads those it knows.
    const std::uint32_t count = r.read_u32();
    if (count < counter_values || r.remaining() != std::size_t{count} * 8) {
        return false;
    }
    m.values = board_counters{};
    visit_counters(m.values, [&](std::uint64_t& v) { v = r.read_u64(); });
    r.take(r.remaining());
    return true;
}

} // namespace detail

// Encodes `m` as a whole frame into `out`; returns the frame's size, or 0 when it does not fit.
template <class M>
constexpr std::size_t encode_message(std::uint8_t* out, std::size_t capacity, std::uint32_t session,
                                     std::uint32_t sequence, const M& m) {
    if (out == nullptr || capacity < header_bytes) {
        return 0;
    }
    const std::size_t room =
        capacity - header_bytes < max_payload ? capacity - header_bytes : max_payload;
    byte_writer w(out + header_bytes, room);
    detail::write_payload(w, m);
    if (!w.ok()) {
        return 0;
    }
    header h;
    h.type = M::type;
    h.payload_length = static_cast<std::uint16_t>(w.size());
    h.session = session;
    h.sequence = sequence;
    return finish_frame(out, capacity, h);
}

// Decodes the payload of a checked frame as `M`; false when the frame is of another type or its
// payload has the wrong length or a field out of range.
template <class M>
constexpr bool decode_message(const frame& f, M& m) {
    if (f.head.type != M::type) {
        return false;
    }
    byte_reader r(f.payload, f.head.payload_length);
    const bool fields_ok = detail::read_payload(r, m);
    return fields_ok && r.done();
}

} // namespace sf::firmware::protocol
