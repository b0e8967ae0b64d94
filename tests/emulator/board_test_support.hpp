// Helpers of the emulated board's tests: a host that talks to a board side or an endpoint with
// encoded frames, an image uploaded in chunks, and a model whose input population the host drives.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/protocol/crc.hpp>
#include <sf/firmware/protocol/frame.hpp>
#include <sf/firmware/protocol/messages.hpp>

#include "emulator_support.hpp"

namespace sf::emulator::test {

namespace protocol = firmware::protocol;
using bytes = std::vector<std::uint8_t>;

template <class M>
bytes encode_frame(const M& m, std::uint32_t session, std::uint32_t sequence) {
    bytes out(protocol::max_frame);
    const std::size_t size = protocol::encode_message(out.data(), out.size(), session, sequence, m);
    REQUIRE(size > 0);
    out.resize(size);
    return out;
}

inline protocol::frame decoded(const bytes& b) {
    protocol::frame f;
    REQUIRE(protocol::decode_frame(b.data(), b.size(), f) == protocol::decode_status::ok);
    return f;
}

template <class M>
M message_of(const bytes& b) {
    const protocol::frame f = decoded(b);
    M m;
    REQUIRE(f.head.type == M::type);
    REQUIRE(protocol::decode_message(f, m));
    return m;
}

// An image's words as the bytes a host sends.
inline bytes image_bytes(const std::vector<std::uint32_t>& words) {
    bytes b;
    for (const std::uint32_t w : words) {
        for (int k = 0; k < 4; ++k) {
            b.push_back(static_cast<std::uint8_t>(w >> (8 * k)));
        }
    }
    return b;
}

// The load_chunk frames of an image.
inline std::vector<bytes> image_chunks(const bytes& image, std::uint16_t chunk,
                                       std::uint32_t transfer, std::uint32_t session) {
    std::vector<bytes> frames;
    for (std::size_t offset = 0, index = 0; offset < image.size(); offset += chunk, ++index) {
        protocol::load_chunk m;
        m.transfer = transfer;
        m.offset = static_cast<std::uint32_t>(offset);
        m.data = image.data() + offset;
        m.length = static_cast<std::uint16_t>(std::min<std::size_t>(chunk, image.size() - offset));
        m.chunk_crc = protocol::crc32(m.data, m.length);
        frames.push_back(encode_frame(m, session, static_cast<std::uint32_t>(index)));
    }
    return frames;
}

inline protocol::load_begin_request begin_of(const bytes& image, std::uint16_t chunk) {
    protocol::load_begin_request m;
    m.total_bytes = static_cast<std::uint32_t>(image.size());
    m.chunk_bytes = chunk;
    m.chunk_count = static_cast<std::uint32_t>((image.size() + chunk - 1) / chunk);
    return m;
}

// The driven model mapped onto a small board, and its image.
inline std::vector<std::uint32_t> driven_image(mapper::mapped_network& mapped) {
    temp_folder dir("sf_test_driven_model");
    mapped = map_text(dir, driven_model, inline_board(2, 2, "hexagonal", 2, 4));
    return mapper::encode_image(mapped);
}

} // namespace sf::emulator::test
