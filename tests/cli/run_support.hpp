#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

// What the tests of `spikeforge run` and `spikeforge serve` share: a scratch folder, the binary
// run to its end, an example mapped to an image, and the files a run wrote.
namespace sf_test {

// A fresh folder under the system's temporary folder, removed with everything in it at the end.
class scratch {
public:
    explicit scratch(const std::string& prefix = "sf_test_run");
    ~scratch();
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A file's bytes; the test fails when it cannot be read.
std::string read_file(const std::filesystem::path& file);

// Writes `text` to `file` as it is; the test fails when it cannot be written.
void write_text(const std::filesystem::path& file, const std::string& text);

// Runs a program to its end (at most `seconds`) and returns its exit status and what it printed
// on its standard output and error.
std::pair<int, std::string> run_to_end(const std::string& program,
                                       const std::vector<std::string>& arguments,
                                       double seconds = 120);

// Maps a model of the examples folder (SF_EXAMPLES_DIR) onto spinn5, to an image in `work`.
std::filesystem::path map_example(const scratch& work, const std::string& model,
                                  const std::string& name);

// The files a run wrote into `folder`, by name, with their contents (none when it is missing).
std::vector<std::pair<std::string, std::string>> outputs_in(const std::filesystem::path& folder);

} // namespace sf_test
