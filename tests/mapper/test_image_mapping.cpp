// map_image: an image file mapped into memory gives the words load_image gives; what cannot be
// mapped is read instead, and what load_image refuses it refuses alike.
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <sf/mapper/image_file.hpp>

#include "mapping_support.hpp"

namespace {

using namespace sf::mapper::test;
namespace mapper = sf::mapper;

const std::vector<std::uint32_t>& image_words() {
    static const temp_folder dir("sf_test_image_mapping");
    static const std::vector<std::uint32_t> words =
        mapper::encode_image(map_text(dir, small_model, mapper::find_board("tiny")));
    return words;
}

std::vector<std::uint32_t> words_of(const mapper::image_in_memory& image) {
    REQUIRE(image.owner != nullptr);
    return {image.words, image.words + image.count};
}

} // namespace

TEST_CASE("image mapping: a mapped image file holds the words saved, after the file is gone",
          "[mapper][image_file]") {
    temp_folder dir("sf_test_image_mapping");
    const fs::path file = dir.path() / "net.sfimg";
    mapper::save_image(file, image_words());
    const mapper::image_in_memory image = mapper::map_image(file);
    CHECK(words_of(image) == image_words());
    // Replaced as save_image replaces a file, then removed: the mapping keeps the old words.
    mapper::save_image(file, {1u, 2u, 3u});
    fs::remove(file);
    CHECK(words_of(image) == image_words());
}

TEST_CASE("image mapping: a pipe and an empty file are read instead", "[mapper][image_file]") {
    temp_folder dir("sf_test_image_mapping");
    SECTION("a pipe") {
        const fs::path pipe = dir.path() / "net.sfimg";
        REQUIRE(mkfifo(pipe.c_str(), 0600) == 0);
        std::thread writer([&] {
            std::ofstream out(pipe, std::ios::binary);
            out.write(reinterpret_cast<const char*>(image_words().data()),
                      static_cast<std::streamsize>(image_words().size() * 4));
        });
        const mapper::image_in_memory image = mapper::map_image(pipe);
        writer.join();
        CHECK(words_of(image) == image_words());
    }
    SECTION("an empty file") {
        const fs::path file = dir.write("empty.sfimg", "");
        CHECK(mapper::map_image(file).count == 0);
    }
}

TEST_CASE("image mapping: a file that is missing or not whole words is refused as load_image "
          "refuses it",
          "[mapper][image_file]") {
    temp_folder dir("sf_test_image_mapping");
    SECTION("missing") {
        const fs::path file = dir.path() / "nosuch.sfimg";
        CHECK_THROWS_WITH(mapper::map_image(file), "cannot read " + file.string());
    }
    SECTION("a valid image and a byte more") {
        const fs::path file = dir.path() / "net.sfimg";
        mapper::save_image(file, image_words());
        std::ofstream(file, std::ios::binary | std::ios::app) << std::string(1, '\0');
        CHECK_THROWS_AS(mapper::map_image(file), mapper::image_file_error);
        CHECK_THROWS_WITH(mapper::map_image(file),
                          file.string() + ": " + std::to_string(4 * image_words().size() + 1) +
                              " bytes, not a whole number of 32-bit words: not a board image");
    }
}

TEST_CASE("image mapping: words already in memory are kept as they are", "[mapper][image_file]") {
    std::vector<std::uint32_t> words = image_words();
    const std::uint32_t* first = words.data();
    const mapper::image_in_memory image = mapper::hold_image(std::move(words));
    CHECK(image.words == first);
    CHECK(words_of(image) == image_words());
}
