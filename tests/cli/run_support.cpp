#include "run_support.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "server_process.hpp"

namespace fs = std::filesystem;

namespace sf_test {

scratch::scratch(const std::string& prefix) {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            (prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
}

scratch::~scratch() { fs::remove_all(path_); }

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    INFO(file.string());
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary);
    out << text;
    INFO(file.string());
    REQUIRE(out.good());
}

std::pair<int, std::string> run_to_end(const std::string& program,
                                       const std::vector<std::string>& arguments, double seconds) {
    server_process p(program, arguments, false);
    const int status = p.wait(seconds);
    return {status, p.output()};
}

fs::path map_example(const scratch& work, const std::string& model, const std::string& name) {
    const fs::path source = fs::path(SF_EXAMPLES_DIR) / model;
    INFO(source.string());
    REQUIRE(fs::exists(source));
    const fs::path image = work / name;
    const auto [status, output] =
        run_to_end(SPIKEFORGE_BINARY, {"map", source.string(), "-o", image.string()});
    INFO(output);
    REQUIRE(status == 0);
    return image;
}

std::vector<std::pair<std::string, std::string>> outputs_in(const fs::path& folder) {
    std::vector<std::pair<std::string, std::string>> files;
    if (!fs::exists(folder)) {
        return files;
    }
    for (const auto& entry : fs::directory_iterator(folder)) {
        files.emplace_back(entry.path().filename().string(), read_file(entry.path()));
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace sf_test
