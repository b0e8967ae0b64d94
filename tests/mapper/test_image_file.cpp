// Board image files: save_image writes all or nothing, load_image gives back the words and refuses
// a file that is not a whole number of words.
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <sf/firmware/image.hpp>
#include <sf/mapper/image_file.hpp>

#include "mapping_support.hpp"

namespace {

using namespace sf::mapper::test;
namespace mapper = sf::mapper;
using sf::lems::test::entries_of;
using sf::lems::test::read_text;

const std::vector<std::uint32_t>& image_words() {
    static const temp_folder dir("sf_test_image_file");
    static const std::vector<std::uint32_t> words =
        mapper::encode_image(map_text(dir, small_model, mapper::find_board("tiny")));
    return words;
}

} // namespace

TEST_CASE("image_file: save_image and load_image give back the same words",
          "[mapper][image_file]") {
    temp_folder dir("sf_test_image_file");
    const std::vector<std::uint32_t>& words = image_words();
    SECTION("into a folder that does not exist yet") {
        const fs::path file = dir.path() / "a" / "b" / "net.sfimg";
        mapper::save_image(file, words);
        CHECK(fs::file_size(file) == 4 * words.size());
        CHECK(mapper::load_image(file) == words);
        CHECK(entries_of(dir.path()) == std::vector<std::string>{"a", "a/b", "a/b/net.sfimg"});
    }
    SECTION("over an image already there") {
        const fs::path file = dir.path() / "net.sfimg";
        mapper::save_image(file, {1u, 2u, 3u});
        mapper::save_image(file, words);
        CHECK(mapper::load_image(file) == words);
        CHECK(entries_of(dir.path()) == std::vector<std::string>{"net.sfimg"});
    }
    SECTION("little-endian words, the magic number first") {
        const fs::path file = dir.path() / "net.sfimg";
        mapper::save_image(file, words);
        CHECK(read_text(file).substr(0, 8) == std::string("SFIM\x01\0\0\0", 8));
    }
}

TEST_CASE("image_file: an image read from a pipe loads as from a file", "[mapper][image_file]") {
    temp_folder dir("sf_test_image_file");
    const fs::path pipe = dir.path() / "net.sfimg";
    REQUIRE(mkfifo(pipe.c_str(), 0600) == 0);
    const std::vector<std::uint32_t>& words = image_words();
    // Opening a pipe waits for its other end: the writer is a thread of its own.
    std::thread writer([&] {
        std::ofstream out(pipe, std::ios::binary);
        out.write(reinterpret_cast<const char*>(words.data()),
                  static_cast<std::streamsize>(words.size() * 4));
    });
    const std::vector<std::uint32_t> loaded = mapper::load_image(pipe);
    writer.join();
    CHECK(loaded == words);
}

TEST_CASE("image_file: a file whose size is not its length is read to its end",
          "[mapper][image_file]") {
    // The system's files say they are empty and are not.
    const fs::path file = "/proc/version";
    REQUIRE(fs::is_regular_file(file));
    REQUIRE(fs::file_size(file) == 0);
    std::ifstream in(file, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    REQUIRE(!text.empty());
    if (text.size() % 4 == 0) {
        std::vector<std::uint32_t> words(text.size() / 4);
        std::memcpy(words.data(), text.data(), text.size());
        CHECK(mapper::load_image(file) == words);
    } else {
        CHECK_THROWS_WITH(mapper::load_image(file),
                          file.string() + ": " + std::to_string(text.size()) +
                              " bytes, not a whole number of 32-bit words: not a board image");
    }
}

TEST_CASE("image_file: an empty file loads as no words", "[mapper][image_file]") {
    // load_image copies the bytes with std::memcpy(words.data(), bytes.data(), 0): for an empty
    // file words.data() is null, which memcpy does not allow (UBSan under SF_SANITIZE aborts here).
    temp_folder dir("sf_test_image_file");
    const fs::path file = dir.path() / "empty.sfimg";
    mapper::save_image(file, {});
    CHECK(fs::file_size(file) == 0);
    const std::vector<std::uint32_t> loaded = mapper::load_image(file);
    CHECK(loaded.empty());
    CHECK(sf::firmware::image::check_image(loaded.data(), loaded.size()).what ==
          sf::firmware::image::problem::too_short);
}

TEST_CASE("image_file: save_image leaves nothing behind when it cannot write",
          "[mapper][image_file]") {
    temp_folder dir("sf_test_image_file");
    const fs::path blocker = dir.write("blocker", "a file, not a folder\n");
    SECTION("a parent that is a file") {
        const fs::path file = blocker / "net.sfimg";
        CHECK_THROWS_AS(mapper::save_image(file, image_words()), mapper::image_file_error);
        CHECK_THROWS_WITH(mapper::save_image(file, image_words()), Catch::Contains(file.string()));
        CHECK(entries_of(dir.path()) == std::vector<std::string>{"blocker"});
        CHECK(read_text(blocker) == "a file, not a folder\n");
    }
    SECTION("a path that is a folder") {
        const fs::path folder = dir.path() / "net.sfimg";
        fs::create_directories(folder / "inside");
        CHECK_THROWS_AS(mapper::save_image(folder, image_words()), mapper::image_file_error);
        CHECK_THROWS_WITH(mapper::save_image(folder, image_words()),
                          Catch::Contains(folder.string()));
        CHECK(entries_of(dir.path()) ==
              std::vector<std::string>{"blocker", "net.sfimg", "net.sfimg/inside"});
    }
    SECTION("an earlier image stays whole") {
        const fs::path file = dir.path() / "net.sfimg";
        mapper::save_image(file, image_words());
        fs::create_directories(dir.path() / "net.sfimg.partial" /
                               "x"); // the temporary cannot be made
        CHECK_THROWS_AS(mapper::save_image(file, {1u, 2u}), mapper::image_file_error);
        CHECK(mapper::load_image(file) == image_words());
    }
}

TEST_CASE("image_file: load_image refuses a file that is missing or not whole words",
          "[mapper][image_file]") {
    temp_folder dir("sf_test_image_file");
    SECTION("missing") {
        const fs::path file = dir.path() / "nosuch.sfimg";
        CHECK_THROWS_AS(mapper::load_image(file), mapper::image_file_error);
        CHECK_THROWS_WITH(mapper::load_image(file), "cannot read " + file.string());
    }
    for (const std::size_t extra : {1u, 2u, 3u}) {
        SECTION("a valid image and " + std::to_string(extra) + " bytes more") {
            const fs::path file = dir.path() / "net.sfimg";
            mapper::save_image(file, image_words());
            std::ofstream(file, std::ios::binary | std::ios::app) << std::string(extra, '\0');
            const std::size_t bytes = 4 * image_words().size() + extra;
            CHECK_THROWS_AS(mapper::load_image(file), mapper::image_file_error);
            CHECK_THROWS_WITH(mapper::load_image(file),
                              file.string() + ": " + std::to_string(bytes) +
                                  " bytes, not a whole number of 32-bit words: not a "
                                  "board image");
        }
    }
    SECTION("a text file of 3 bytes") {
        const fs::path file = dir.write("model.xml", "<a>");
        CHECK_THROWS_AS(mapper::load_image(file), mapper::image_file_error);
    }
}
