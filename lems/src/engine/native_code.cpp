#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <sf/lems/error.hpp>

#include "native_code.hpp"

namespace sf::lems::engine {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

native_code::~native_code() {
    if (library_ != nullptr) {
        dlclose(library_);
    }
}

std::shared_ptr<native_code> native_code::build(const std::vector<schedule_entry>& schedule,
                                                const std::vector<std::unique_ptr<kind>>& kinds,
                                                const std::vector<const double*>& watched) {
    const native_source source = write_native_source(schedule, kinds, read_columns(kinds, watched));
    static std::atomic<int> counter{0};
    const fs::path dir =
        fs::temp_directory_path() /
        ("spikeforge-native-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    const fs::path cpp = dir / "kernels.cpp";
    const fs::path library = dir / "kernels.so";
    const fs::path log = dir / "compiler.log";
    std::ofstream(cpp) << source.text;
    auto setting = [](const char* variable, const char* fallback) {
        const char* value = std::getenv(variable);
        return std::string(value != nullptr && *value != '\0' ? value : fallback);
    };
    // The code runs where it is compiled, so it may use every instruction of this processor;
    // without contraction into fused multiply-adds the results do not depend on them.
    const std::string command = setting("SPIKEFORGE_CXX", "c++") + " -std=c++17 " +
                                setting("SPIKEFORGE_CXXFLAGS", "-O3 -march=native") +
                                " -ffp-contract=off -fPIC -shared -o '" + library.string() + "' '" +
                                cpp.string() + "' > '" + log.string() + "' 2>&1";
    const int status = std::system(command.c_str());
    std::shared_ptr<native_code> result(new native_code());
    if (status == 0) {
        result->library_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    const std::string message =
        status != 0                   ? "the C++ compiler failed: " + read_all(log).substr(0, 2000)
        : result->library_ == nullptr ? std::string("cannot load compiled kernels: ") + dlerror()
                                      : std::string();
    std::error_code ignored;
    fs::remove_all(dir, ignored); // a loaded library stays mapped after its file is gone
    if (!message.empty()) {
        throw simulation_error(message);
    }
    auto symbol = [&](const std::string& name) { return dlsym(result->library_, name.c_str()); };
    for (const native_source::group_plan& plan : source.groups) {
        group_kernels kernels;
        kernels.main = reinterpret_cast<group_phase>(symbol(plan.main));
        if (!plan.regimes.empty()) {
            kernels.regimes = reinterpret_cast<group_phase>(symbol(plan.regimes));
        }
        kernels.test_stride = plan.test_stride;
        kernels.slots = plan.slots;
        const kind& k = *schedule[plan.schedule_index].owner;
        for (const requirement_copy& r : k.requirements) {
            kernels.requirement_sources.push_back(r.source.data());
        }
        for (const derived_path& p : k.path_derived) {
            kernels.path_offsets.push_back(p.offsets.data());
            kernels.path_sources.push_back(p.sources.data());
        }
        result->groups_[plan.schedule_index] = std::move(kernels);
    }
    for (const native_source::handler_plan& plan : source.handlers) {
        auto& installed = plan.owner->native_on_event;
        installed.resize(plan.owner->input_ports.size());
        installed[static_cast<std::size_t>(plan.port)] =
            reinterpret_cast<event_handler>(symbol(plan.function));
    }
    return result;
}

} // namespace sf::lems::engine
