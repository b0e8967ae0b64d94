#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/image_format.hpp>

namespace sf::firmware::image {

// The sections of a checked image in order: a section's kind, index and payload.
struct section_view {
    section_kind kind = section_kind::machine;
    std::uint32_t index = 0;
    const std::uint32_t* payload = nullptr;
    std::uint32_t length = 0;
};

// Walks the sections of an image check_image accepted; false after the last.
class sections {
public:
    sections(const std::uint32_t* words, std::size_t count) : words_(words), count_(count) {}

    bool next(section_view& s) {
        if (at_ + section_header_words > count_) {
            return false;
        }
        s.kind = static_cast<section_kind>(words_[at_]);
        s.length = words_[at_ + 1];
        s.index = words_[at_ + 2];
        s.payload = words_ + at_ + section_header_words;
        at_ += section_header_words + s.length;
        return true;
    }

private:
    const std::uint32_t* words_;
    std::size_t count_;
    std::size_t at_ = header_words;
};

} // namespace sf::firmware::image
