// Helpers shared by the tests that write small models to disk and load them.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/lems/error.hpp>

namespace sf::lems::test {

// A folder of its own for one test, removed with everything in it at the end.
class temp_folder {
public:
    explicit temp_folder(const std::string& prefix) {
        static int counter = 0;
        path_ = std::filesystem::temp_directory_path() /
                (prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
        path_ = std::filesystem::canonical(path_); // the loader reports canonical paths
    }
    temp_folder(const temp_folder&) = delete;
    temp_folder& operator=(const temp_folder&) = delete;
    ~temp_folder() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::filesystem::path& path() const { return path_; }

    // Writes `text` to `name` (which may contain folders) and returns its full path.
    std::filesystem::path write(const std::string& name, const std::string& text) const {
        const std::filesystem::path file = path_ / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }

private:
    std::filesystem::path path_;
};

// 1-based line of the first occurrence of `needle` in `text`.
inline int line_of(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    REQUIRE(at != std::string::npos);
    return 1 + static_cast<int>(
                   std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

inline std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Every entry below `folder`, relative to it.
inline std::vector<std::string> entries_of(const std::filesystem::path& folder) {
    std::vector<std::string> names;
    if (std::filesystem::exists(folder)) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
            names.push_back(std::filesystem::relative(entry.path(), folder).string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Problems as the lines a user would read, for INFO when a check fails.
inline std::string listing(const std::vector<parse_error>& list) {
    std::string text;
    for (const auto& p : list) {
        text += std::string(p.what()) + "\n";
    }
    return text;
}

// The rows of a tab-separated output file, each split into its fields.
inline std::vector<std::vector<std::string>> read_table(const std::filesystem::path& file) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(read_text(file));
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::istringstream cells(line);
        std::string cell;
        while (std::getline(cells, cell, '\t')) {
            fields.push_back(cell);
        }
        rows.push_back(fields);
    }
    return rows;
}

} // namespace sf::lems::test
