#pragma once

#include <cstddef>
#include <cstdint>

// Reads the fields of one image section in order, never past its end (docs/image-format.md).
// Freestanding.
namespace sf::firmware::image {

// Reads fields of one section in order, never past its end.
class cursor {
public:
    constexpr cursor(const std::uint32_t* begin, const std::uint32_t* end)
        : at_(begin), end_(end) {}

    constexpr bool ok() const { return ok_; }
    constexpr bool done() const { return at_ == end_; }
    constexpr const std::uint32_t* position() const { return at_; }
    constexpr const char* failed_field() const { return field_; }
    constexpr bool out_of_range() const { return range_; }

    constexpr std::uint32_t word(const char* field) {
        if (!ok_ || at_ == end_) {
            fail(field);
            return 0;
        }
        return *at_++;
    }
    constexpr std::uint64_t wide(const char* field) {
        const std::uint64_t low = word(field);
        const std::uint64_t high = word(field);
        return low | high << 32;
    }
    constexpr double real(const char* field) {
        const std::uint64_t bits = wide(field);
        return __builtin_bit_cast(double, bits);
    }
    // `count` words; null (and failed) when fewer remain.
    constexpr const std::uint32_t* words(std::uint64_t count, const char* field) {
        if (!ok_ || count > static_cast<std::uint64_t>(end_ - at_)) {
            fail(field);
            return nullptr;
        }
        const std::uint32_t* start = at_;
        at_ += count;
        return start;
    }
    // A string: its bytes in place, and their number.
    const char* text(std::uint32_t& length, const char* field) {
        length = word(field);
        const std::uint32_t* body = words((std::uint64_t{length} + 3) / 4, field);
        return body != nullptr ? reinterpret_cast<const char*>(body) : nullptr;
    }
    // Marks a value outside its range, at the word holding it (by default where the cursor is).
    constexpr void refuse(const char* field, const std::uint32_t* at = nullptr) {
        if (ok_) {
            ok_ = false;
            range_ = true;
            field_ = field;
            bad_ = at;
        }
    }
    // Where the problem is: the refused word, or where reading stopped.
    constexpr const std::uint32_t* problem_position() const { return bad_ != nullptr ? bad_ : at_; }

private:
    constexpr void fail(const char* field) {
        if (ok_) {
            ok_ = false;
            field_ = field;
        }
    }

    const std::uint32_t* at_;
    const std::uint32_t* end_;
    bool ok_ = true;
    bool range_ = false;
    const char* field_ = "";
    const std::uint32_t* bad_ = nullptr;
};

} // namespace sf::firmware::image
