#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/protocol/chunk_map.hpp>
#include <sf/firmware/protocol/crc.hpp>
#include <sf/firmware/protocol/messages.hpp>
#include <sf/firmware/protocol/status.hpp>

// The board's side of one bulk image load (docs/protocol.md, "Loading an image"): which chunks
// belong to the open transfer, where each goes, and whether it arrived intact and for the first
// time. Freestanding.
namespace sf::firmware::protocol {

template <std::size_t MaxChunks>
class image_transfer {
public:
    // Opens transfer `id` (the load_begin's sequence number), closing any other.
    constexpr reason begin(std::uint32_t id, const load_begin_request& m) {
        if (!chunks_.begin(m.chunk_count)) {
            return reason::too_large;
        }
        id_ = id;
        total_bytes_ = m.total_bytes;
        chunk_bytes_ = m.chunk_bytes;
        open_ = true;
        return reason::none;
    }
    constexpr void close() { open_ = false; }

    // Whether chunk `index` is to be written: none, or why it is refused.
    constexpr reason check(std::uint32_t index, const load_chunk& c) const {
        if (!open_ || c.transfer != id_) {
            return reason::no_transfer;
        }
        switch (chunks_.classify(index)) {
        case chunk_verdict::out_of_range: return reason::chunk_range;
        case chunk_verdict::duplicate: return reason::duplicate;
        case chunk_verdict::fresh: break;
        }
        const std::uint64_t offset = std::uint64_t{index} * chunk_bytes_;
        const std::uint64_t left = total_bytes_ - offset;
        if (c.offset != offset || c.length != (left < chunk_bytes_ ? left : chunk_bytes_)) {
            return reason::chunk_range;
        }
        return crc32(c.data, c.length) == c.chunk_crc ? reason::none : reason::chunk_crc;
    }
    constexpr void written(std::uint32_t index) { chunks_.mark(index); }

    constexpr bool open() const { return open_; }
    constexpr std::uint32_t id() const { return id_; }
    constexpr std::uint32_t total_bytes() const { return total_bytes_; }
    constexpr const chunk_map<MaxChunks>& chunks() const { return chunks_; }

private:
    chunk_map<MaxChunks> chunks_;
    std::uint32_t id_ = 0;
    std::uint32_t total_bytes_ = 0;
    std::uint32_t chunk_bytes_ = 0;
    bool open_ = false;
};

} // namespace sf::firmware::protocol
