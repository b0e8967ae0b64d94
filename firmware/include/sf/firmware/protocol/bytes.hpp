#pragma once

#include <cstddef>
#include <cstdint>

// Little-endian fields read from and written to caller buffers, never past their ends
// (docs/protocol.md). Freestanding: alignment-free byte access, no allocation.
namespace sf::firmware::protocol {

// Reads fields in order; a read past the end fails the reader and returns zero.
class byte_reader {
public:
    constexpr byte_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    constexpr bool ok() const { return ok_; }
    // Whether every byte was read and none was missing: how a payload of exact length checks.
    constexpr bool done() const { return ok_ && at_ == size_; }
    constexpr std::size_t remaining() const { return ok_ ? size_ - at_ : 0; }

    constexpr std::uint8_t read_u8() { return static_cast<std::uint8_t>(read(1)); }
    constexpr std::uint16_t read_u16() { return static_cast<std::uint16_t>(read(2)); }
    constexpr std::uint32_t read_u32() { return static_cast<std::uint32_t>(read(4)); }
    constexpr std::uint64_t read_u64() { return read(8); }
    // `count` bytes in place; null (and failed) when fewer remain.
    constexpr const std::uint8_t* take(std::size_t count) {
        if (!ok_ || count > size_ - at_) {
            ok_ = false;
            return nullptr;
        }
        const std::uint8_t* start = data_ + at_;
        at_ += count;
        return start;
    }

private:
    constexpr std::uint64_t read(std::size_t width) {
        const std::uint8_t* bytes = take(width);
        std::uint64_t value = 0;
        for (std::size_t b = 0; bytes != nullptr && b < width; ++b) {
            value |= std::uint64_t{bytes[b]} << (8 * b);
        }
        return value;
    }

    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
    bool ok_ = true;
};

// Writes fields in order; a write past the end fails the writer and writes nothing more.
class byte_writer {
public:
    constexpr byte_writer(std::uint8_t* data, std::size_t capacity)
        : data_(data), capacity_(capacity) {}

    constexpr bool ok() const { return ok_; }
    constexpr std::size_t size() const { return at_; }
    constexpr std::size_t room() const { return ok_ ? capacity_ - at_ : 0; }

    constexpr void put_u8(std::uint8_t value) { put(value, 1); }
    constexpr void put_u16(std::uint16_t value) { put(value, 2); }
    constexpr void put_u32(std::uint32_t value) { put(value, 4); }
    constexpr void put_u64(std::uint64_t value) { put(value, 8); }
    constexpr void put_bytes(const std::uint8_t* bytes, std::size_t count) {
        std::uint8_t* to = claim(count);
        for (std::size_t b = 0; to != nullptr && b < count; ++b) {
            to[b] = bytes[b];
        }
    }
    // `count` bytes for the caller to fill; null (and failed) when there is no room.
    constexpr std::uint8_t* claim(std::size_t count) {
        if (!ok_ || count > capacity_ - at_) {
            ok_ = false;
            return nullptr;
        }
        std::uint8_t* start = data_ + at_;
        at_ += count;
        return start;
    }

private:
    constexpr void put(std::uint64_t value, std::size_t width) {
        std::uint8_t* to = claim(width);
        for (std::size_t b = 0; to != nullptr && b < width; ++b) {
            to[b] = static_cast<std::uint8_t>(value >> (8 * b));
        }
    }

    std::uint8_t* data_;
    std::size_t capacity_;
    std::size_t at_ = 0;
    bool ok_ = true;
};

// A little-endian 32-bit word at `bytes`, which need not be aligned.
constexpr std::uint32_t load_u32(const std::uint8_t* bytes) {
    return std::uint32_t{bytes[0]} | std::uint32_t{bytes[1]} << 8 | std::uint32_t{bytes[2]} << 16 |
           std::uint32_t{bytes[3]} << 24;
}

} // namespace sf::firmware::protocol
