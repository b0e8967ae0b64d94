#pragma once

#include <cstdint>
#include <filesystem>
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

} // namespace sf::mapper
