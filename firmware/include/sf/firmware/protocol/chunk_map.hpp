#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/protocol/bytes.hpp>

// Which chunks of a bulk image load have arrived (docs/protocol.md, "Loading an image"): one bit
// per chunk, so that a chunk is written once however often it is sent, and the board can report
// exactly the missing ones for the host to resend. Freestanding.
namespace sf::firmware::protocol {

enum class chunk_verdict : std::uint8_t { fresh, duplicate, out_of_range };

template <std::size_t MaxChunks>
class chunk_map {
    static_assert(MaxChunks > 0 && MaxChunks % 32 == 0, "whole words of chunks");

public:
    static constexpr std::size_t max_chunks = MaxChunks;

    // Starts a transfer of `count` chunks, none received; false (and nothing changed) when
    // `count` exceeds the capacity.
    constexpr bool begin(std::uint32_t count) {
        if (count > MaxChunks) {
            return false;
        }
        count_ = count;
        missing_ = count;
        for (std::uint32_t& word : received_) {
            word = 0;
        }
        return true;
    }

    constexpr std::uint32_t count() const { return count_; }
    constexpr std::uint32_t missing() const { return missing_; }
    constexpr bool complete() const { return missing_ == 0; }

    constexpr chunk_verdict classify(std::uint32_t index) const {
        if (index >= count_) {
            return chunk_verdict::out_of_range;
        }
        return received(index) ? chunk_verdict::duplicate : chunk_verdict::fresh;
    }
    // Records a chunk classify() called fresh.
    constexpr void mark(std::uint32_t index) {
        if (classify(index) == chunk_verdict::fresh) {
            received_[index / 32] |= 1u << (index % 32);
            --missing_;
        }
    }
    constexpr bool received(std::uint32_t index) const {
        return index < count_ && (received_[index / 32] >> (index % 32) & 1u) != 0;
    }

    // Writes the missing-chunk bitmap from chunk `first` on (bit k of byte k / 8, least
    // significant first, is 1 when chunk first + 8 * (k / 8) + k % 8 is missing) into at most
    // `max_bytes`; returns how many chunks it covers.
    constexpr std::uint32_t report(std::uint32_t first, byte_writer& out,
                                   std::size_t max_bytes) const {
        if (first >= count_) {
            return 0;
        }
        const std::uint64_t left = count_ - first;
        const std::uint64_t fits = std::uint64_t{max_bytes} * 8;
        const auto covered = static_cast<std::uint32_t>(left < fits ? left : fits);
        for (std::uint32_t byte = 0; byte * 8 < covered; ++byte) {
            std::uint8_t bits = 0;
            for (std::uint32_t b = 0; b < 8 && byte * 8 + b < covered; ++b) {
                const std::uint32_t index = first + byte * 8 + b;
                bits = static_cast<std::uint8_t>(bits | (received(index) ? 0u : 1u) << b);
            }
            out.put_u8(bits);
        }
        return covered;
    }

private:
    std::uint32_t count_ = 0;
    std::uint32_t missing_ = 0;
    std::uint32_t received_[MaxChunks / 32] = {};
};

} // namespace sf::firmware::protocol
