// Finding boards by name, by path and with a join suffix; an unknown name says which are known.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include <catch2/catch.hpp>

#include <sf/mapper/board_loader.hpp>

namespace {

namespace fs = std::filesystem;
using sf::mapper::board_error;
using sf::mapper::find_board;

// A folder of the test's own, removed when the test ends.
class scratch_folder {
public:
    explicit scratch_folder(const std::string& tag)
        : path_(fs::temp_directory_path() /
                ("sf_test_board_find_" + tag + "_" + std::to_string(::getpid()))) {
        fs::create_directories(path_);
    }
    scratch_folder(const scratch_folder&) = delete;
    scratch_folder& operator=(const scratch_folder&) = delete;
    ~scratch_folder() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

const char* const lab_board = R"(<board name="lab" time_step="0.1 ms">
<chips width="3" height="1" topology="mesh" cores="2" router_entries="8" link_bandwidth="100"/>
<core neurons="4" state_words_per_neuron="1" state_memory_words="4" synaptic_memory_bytes="0" program_words="8"
      constant_words="0" lookup_table_words="0" weight_bits="8" delay_slots="1" input_channels="1"/>
</board>
)";

} // namespace

TEST_CASE("board find: built-in boards by name", "[mapper][board_find]") {
    CHECK(find_board("tiny").chip_count() == 4);
    CHECK(find_board("spinn5").chip_count() == 48);
    CHECK(find_board("bss2").neuron_capacity() == 512);
}

TEST_CASE("board find: a name with a join suffix joins that many boards", "[mapper][board_find]") {
    CHECK(find_board("spinn5 x 24").chip_count() == 24 * 48);
    CHECK(find_board("spinn5x3").grid.wraps);
    CHECK(find_board("tiny x 2").chip_count() == 8);
    REQUIRE_THROWS_AS(find_board("spinn5 x 0"), board_error);
}

TEST_CASE("board find: \"x auto\" is one board that the mapper may join", "[mapper][board_find]") {
    const sf::mapper::board one = find_board("spinn5 x auto");
    CHECK(one.join_as_needed);
    CHECK(one.name == "spinn5");
    CHECK(one.chip_count() == 48);
    CHECK_FALSE(find_board("spinn5").join_as_needed);
    CHECK_FALSE(find_board("spinn5 x 2").join_as_needed);
    REQUIRE_THROWS_AS(find_board("spinn9 x auto"), board_error);
}

TEST_CASE("board find: a path to a board file", "[mapper][board_find]") {
    const scratch_folder folder("path");
    const fs::path file = folder.path() / "lab.xml";
    std::ofstream(file) << lab_board;
    CHECK(find_board(file.string()).name == "lab");
    CHECK(find_board(file.string() + " x 2").chip_count() == 6);
    try {
        find_board((folder.path() / "absent.xml").string());
        FAIL("found a file that does not exist");
    } catch (const board_error& e) {
        CHECK_THAT(e.message(), Catch::Contains("cannot read the board file"));
    }
}

TEST_CASE("board find: search folders come before the built-in boards", "[mapper][board_find]") {
    const scratch_folder folder("search");
    std::ofstream(folder.path() / "lab.xml") << lab_board;
    std::ofstream(folder.path() / "tiny.xml") << lab_board;
    CHECK(find_board("lab", {folder.path()}).name == "lab");
    CHECK(find_board("tiny", {folder.path()}).name == "lab");
    CHECK(find_board("tiny").name == "tiny");
    const auto names = sf::mapper::known_boards({folder.path()});
    CHECK(std::is_sorted(names.begin(), names.end()));
    CHECK(std::count(names.begin(), names.end(), "lab") == 1);
    CHECK(std::count(names.begin(), names.end(), "tiny") == 1);
}

TEST_CASE("board find: an unknown name lists the known boards", "[mapper][board_find]") {
    try {
        find_board("spinn9");
        FAIL("found a board that does not exist");
    } catch (const board_error& e) {
        CHECK(e.file() == "spinn9");
        CHECK(e.line() == 0);
        CHECK(e.element() == "board");
        CHECK_THAT(std::string(e.what()),
                   Catch::StartsWith("spinn9: board: unknown board; expected a board file or one "
                                     "of: "));
        CHECK_THAT(e.message(), Catch::Contains("bss2, spinn5, tiny"));
        CHECK_THAT(e.message(), Catch::Contains("\" x N\""));
    }
    REQUIRE_THROWS_AS(find_board(""), board_error);
    REQUIRE_THROWS_AS(find_board("spinn9 x 3"), board_error);
}
