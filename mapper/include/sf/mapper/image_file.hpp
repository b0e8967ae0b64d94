#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <sf/lems/error.hpp>
#include <sf/mapper/mapped_network.hpp>

// Board images (docs/image-format.md) as words and as files.
namespace sf::mapper {

// A board image file that cannot be written or read: what() names the file and the reason.
class image_file_error : public sf::error {
public:
    using sf::error::error;
};

// The image of a mapped network.
std::vector<std::uint32_t> encode_image(const mapped_network& mapped);

// Writes all or nothing: to a temporary beside `path`, renamed into place when complete.
void save_image(const std::filesystem::path& path, const std::vector<std::uint32_t>& words);

// The words of an image file, unchecked (firmware/image.hpp checks them). Throws image_file_error
// when the file cannot be read or its length is not a whole number of words.
std::vector<std::uint32_t> load_image(const std::filesystem::path& path);

// An image's words, read-only, kept in memory for as long as `owner` is.
struct image_in_memory {
    const std::uint32_t* words = nullptr;
    std::size_t count = 0;
    std::shared_ptr<const void> owner;
};

// The words of an image file, unchecked, mapped into memory where the file is a regular file: the
// processes of one machine that open the same file (the ranks of a run) then share one copy, and
// a page is read from the file when it is first used. Read as load_image reads it otherwise, with
// its errors. The file must not be changed while it is mapped (save_image replaces a file
// instead of writing into it).
image_in_memory map_image(const std::filesystem::path& path);

// Words already in memory, kept by the result.
image_in_memory hold_image(std::vector<std::uint32_t>&& words);

} // namespace sf::mapper
