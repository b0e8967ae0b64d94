// libFuzzer target for the model loader: any bytes, read as a model file that may include the
// built-in core types, must load without crashing, hanging or leaking, reporting what is wrong
// through diagnostics. A model that loads cleanly is then summarised and its network built;
// both may refuse it with an sf::error, never anything else.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <sf/lems/diagnostics.hpp>
#include <sf/lems/error.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/model_info.hpp>
#include <sf/lems/simulator.hpp>

namespace {

namespace fs = std::filesystem;

// One folder per process, so that parallel fuzzing jobs do not overwrite each other's input and
// relative includes in an input resolve inside it; removed when the process exits normally.
class scratch_folder {
public:
    scratch_folder()
        : folder_(fs::temp_directory_path() / ("sf_fuzz_loader_" + std::to_string(::getpid()))),
          input_(folder_ / "input.xml") {
        fs::create_directories(folder_);
    }
    scratch_folder(const scratch_folder&) = delete;
    scratch_folder& operator=(const scratch_folder&) = delete;
    ~scratch_folder() {
        std::error_code ignored;
        fs::remove_all(folder_, ignored);
    }

    const fs::path& input() const { return input_; }

private:
    fs::path folder_;
    fs::path input_;
};

// Building a legitimately large network (the loader accepts populations of up to a million) takes
// tens of seconds under the sanitizers; that is slow, not wrong, and not what this target looks
// for, so such models are loaded and summarised but their network is not built.
constexpr double max_population_to_build = 1000;

bool has_large_population(const sf::lems::component& c) {
    if (c.type != nullptr) {
        for (const auto& decl : c.type->structure) {
            const auto count = c.parameters.find(decl.number);
            if (decl.kind == sf::lems::structure_kind::multi_instantiate &&
                count != c.parameters.end() && count->second > max_population_to_build) {
                return true;
            }
        }
    }
    for (const auto& child : c.children) {
        if (has_large_population(*child)) {
            return true;
        }
    }
    return false;
}

bool has_large_population(const sf::lems::model& model) {
    for (const auto& c : model.components) {
        if (has_large_population(*c)) {
            return true;
        }
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const scratch_folder scratch;
    {
        std::ofstream out(scratch.input(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    sf::lems::diagnostics problems;
    sf::lems::load_options options; // the built-in core types are on the include path
    // load_model reports problems rather than throwing: an exception here is a finding.
    const sf::lems::model model = sf::lems::load_model({scratch.input()}, options, problems);
    if (!problems.empty()) {
        return 0;
    }
    try {
        static_cast<void>(sf::lems::describe_model(model));
    } catch (const sf::error&) {
        // Refusing to summarise is allowed; crashing is not.
    }
    if (has_large_population(model)) {
        return 0;
    }
    try {
        sf::lems::check_simulation(model);
    } catch (const sf::error&) {
        // A model that loads but cannot be run (no Target, a bad path, an index out of range).
    }
    return 0;
}
