#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/protocol/bytes.hpp>
#include <sf/firmware/protocol/crc.hpp>

// The frame every protocol message travels in (docs/protocol.md): a 20-byte little-endian header
// with magic, version, type, payload length, session, sequence number and a CRC-32 of the header
// and payload, then the payload. The same frames go over UDP datagrams and USB bulk transfers.
// Freestanding: frames are encoded into and decoded from caller buffers.
namespace sf::firmware::protocol {

constexpr std::uint32_t magic = 0x50524653u; // the bytes "SFRP"
constexpr std::uint8_t version = 1;
constexpr std::size_t header_bytes = 20;
// One UDP datagram without IP fragmentation on a 1500-byte Ethernet MTU (1500 - 20 - 8).
constexpr std::size_t max_frame_udp = 1472;
// One USB bulk transfer (eight 512-byte high-speed packets, four 1024-byte SuperSpeed packets).
constexpr std::size_t max_frame_usb = 4096;
constexpr std::size_t max_frame = max_frame_usb;
constexpr std::size_t max_payload = max_frame - header_bytes;

// Header offsets.
constexpr std::size_t crc_offset = 16;

enum class message_type : std::uint8_t {
    // Requests (host to board), each answered by one reply carrying the request's sequence.
    hello = 0x01,
    bye = 0x02,
    load_begin = 0x03,
    load_query = 0x04,
    load_commit = 0x05,
    start = 0x06,
    stop = 0x07,
    step = 0x08,
    run = 0x09,
    read_recording = 0x0A,
    read_counters = 0x0B,
    reset = 0x0C,
    credit = 0x0D,
    watch = 0x0E,
    // Bulk (host to board, not answered one by one): a chunk of the image being loaded.
    load_chunk = 0x40,
    // Live spike streams, numbered by their first event's index in the stream.
    spikes_in = 0x50,
    spikes_out = 0x51,
    // Replies (board to host).
    ack = 0x80,
    error = 0x81,
    hello_reply = 0x82,
    load_missing = 0x83,
    recording_data = 0x84,
    counters = 0x85,
};

enum class message_class : std::uint8_t { request, bulk, stream_in, stream_out, reply, unknown };

constexpr message_class class_of(std::uint8_t type) {
    if (type >= 0x01 && type <= 0x0E) {
        return message_class::request;
    }
    if (type >= 0x80 && type <= 0x85) {
        return message_class::reply;
    }
    switch (type) {
    case 0x40: return message_class::bulk;
    case 0x50: return message_class::stream_in;
    case 0x51: return message_class::stream_out;
    default: return message_class::unknown;
    }
}
constexpr message_class class_of(message_type type) {
    return class_of(static_cast<std::uint8_t>(type));
}

struct header {
    message_type type = message_type::hello;
    std::uint16_t payload_length = 0;
    std::uint32_t session = 0;
    std::uint32_t sequence = 0;
};

// A decoded frame: its header and its payload in place.
struct frame {
    header head;
    const std::uint8_t* payload = nullptr;
};

// Why a frame is refused, in the order the checks run.
enum class decode_status : std::uint8_t {
    ok,
    too_short,    // fewer bytes than a header
    bad_magic,    // not a protocol frame
    bad_version,  // a version this side does not speak
    bad_length,   // the payload length disagrees with the frame's size or exceeds max_payload
    bad_crc,      // damaged in transit
    unknown_type, // intact, but of no type this version defines
};

namespace detail {

constexpr std::uint32_t frame_crc(const std::uint8_t* frame_bytes, std::size_t payload_length) {
    std::uint32_t c = crc32_update(crc32_start, frame_bytes, crc_offset);
    c = crc32_update(c, frame_bytes + header_bytes, payload_length);
    return crc32_finish(c);
}

} // namespace detail

// Writes the header of a frame whose payload the caller already put at frame + header_bytes;
// returns the frame's size, or 0 (nothing written) when it does not fit `capacity` or max_frame.
constexpr std::size_t finish_frame(std::uint8_t* frame_bytes, std::size_t capacity,
                                   const header& h) {
    const std::size_t size = header_bytes + h.payload_length;
    if (h.payload_length > max_payload || size > capacity) {
        return 0;
    }
    byte_writer w(frame_bytes, header_bytes);
    w.put_u32(magic);
    w.put_u8(version);
    w.put_u8(static_cast<std::uint8_t>(h.type));
    w.put_u16(h.payload_length);
    w.put_u32(h.session);
    w.put_u32(h.sequence);
    w.put_u32(detail::frame_crc(frame_bytes, h.payload_length));
    return size;
}

// Copies `payload` after a header into `frame_bytes`; returns the frame's size or 0.
constexpr std::size_t encode_frame(std::uint8_t* frame_bytes, std::size_t capacity, const header& h,
                                   const std::uint8_t* payload) {
    if (h.payload_length > max_payload || header_bytes + h.payload_length > capacity) {
        return 0;
    }
    for (std::size_t b = 0; b < h.payload_length; ++b) {
        frame_bytes[header_bytes + b] = payload[b];
    }
    return finish_frame(frame_bytes, capacity, h);
}

// Reads the header fields without judging them: what a refusal reply echoes back.
constexpr header peek_header(const std::uint8_t* frame_bytes) {
    byte_reader r(frame_bytes, header_bytes);
    r.read_u32();
    r.read_u8();
    header h;
    h.type = static_cast<message_type>(r.read_u8());
    h.payload_length = r.read_u16();
    h.session = r.read_u32();
    h.sequence = r.read_u32();
    return h;
}

// Checks a received frame of `size` bytes; fills `out` only when it returns ok.
constexpr decode_status decode_frame(const std::uint8_t* frame_bytes, std::size_t size,
                                     frame& out) {
    if (frame_bytes == nullptr || size < header_bytes) {
        return decode_status::too_short;
    }
    if (load_u32(frame_bytes) != magic) {
        return decode_status::bad_magic;
    }
    if (frame_bytes[4] != version) {
        return decode_status::bad_version;
    }
    const header h = peek_header(frame_bytes);
    if (h.payload_length > max_payload || header_bytes + h.payload_length != size) {
        return decode_status::bad_length;
    }
    if (load_u32(frame_bytes + crc_offset) != detail::frame_crc(frame_bytes, h.payload_length)) {
        return decode_status::bad_crc;
    }
    if (class_of(frame_bytes[5]) == message_class::unknown) {
        return decode_status::unknown_type;
    }
    out.head = h;
    out.payload = frame_bytes + header_bytes;
    return decode_status::ok;
}

} // namespace sf::firmware::protocol
