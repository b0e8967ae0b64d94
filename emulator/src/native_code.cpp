#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <sf/emulator/kernel_core.hpp>
#include <sf/emulator/native_code.hpp>

namespace sf::emulator {
namespace {

namespace fs = std::filesystem;

// A file's text without its trailing line breaks.
std::string read_all(const fs::path& file) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    std::string all = text.str();
    while (!all.empty() && (all.back() == '\n' || all.back() == '\r')) {
        all.pop_back();
    }
    return all;
}

// The first word of a command: the program it runs.
std::string program_of_command(const std::string& command) {
    const std::size_t start = command.find_first_not_of(' ');
    if (start == std::string::npos) {
        return std::string();
    }
    const std::size_t end = command.find(' ', start);
    return command.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool executable(const fs::path& file) {
    std::error_code ignored;
    return fs::is_regular_file(file, ignored) && ::access(file.c_str(), X_OK) == 0;
}

// A folder of its own for this compilation, under the system's temporary folder.
fs::path fresh_folder() {
    static std::atomic<int> counter{0};
    const fs::path dir =
        fs::temp_directory_path() /
        ("spikeforge-native-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    return dir;
}

std::uint64_t kernel_instructions(const std::vector<kernel_core*>& cores, std::uint64_t steps) {
    std::uint64_t per_step = 0;
    for (const kernel_core* core : cores) {
        per_step += std::uint64_t{core->neuron_count()} *
                    (core->program().ops.size() / firmware::detail::op_words);
    }
    return per_step * steps;
}

} // namespace

bool read_native_choice(const std::string& text, native_choice& choice) {
    if (text == "auto") {
        choice = native_choice::automatic;
    } else if (text == "always") {
        choice = native_choice::always;
    } else if (text == "never") {
        choice = native_choice::never;
    } else {
        return false;
    }
    return true;
}

std::string native_outcome::describe() const {
    std::ostringstream text;
    if (!compiled) {
        text << "kernel (" << why_kernel << ")";
        return text.str();
    }
    text.precision(3);
    text << "native code (" << programs << (programs == 1 ? " program" : " programs")
         << ", compiled in " << compile_seconds << " s)";
    if (kernel_cores > 0) {
        text << "; " << kernel_cores << (kernel_cores == 1 ? " core" : " cores")
             << " on the kernel (" << faulting_cores << " with instructions that fault)";
    }
    return text.str();
}

// The compiler the float simulator's native code uses comes first, so that one setting serves both.
std::string compiler_command() {
    for (const char* variable : {"SPIKEFORGE_CXX", "CXX"}) {
        const char* cxx = std::getenv(variable);
        if (cxx != nullptr && *cxx != '\0') {
            return cxx;
        }
    }
    return "c++";
}

bool compiler_found() {
    const std::string program = program_of_command(compiler_command());
    if (program.empty()) {
        return false;
    }
    if (program.find('/') != std::string::npos) {
        return executable(program);
    }
    const char* path = std::getenv("PATH");
    std::istringstream folders(path != nullptr ? path : "");
    std::string folder;
    while (std::getline(folders, folder, ':')) {
        if (!folder.empty() && executable(fs::path(folder) / program)) {
            return true;
        }
    }
    return false;
}

native_library::native_library(const std::string& source) {
    const fs::path dir = fresh_folder();
    const fs::path cpp = dir / "programs.cpp";
    const fs::path library = dir / "programs.so";
    const fs::path log = dir / "compiler.log";
    std::ofstream(cpp) << source;
    // The code runs where it is compiled, so it may use every instruction of this processor; it is
    // integer arithmetic only, so no floating-point setting can change its results.
    const std::string compiler = compiler_command();
    const char* flags = std::getenv("SPIKEFORGE_CXXFLAGS");
    const std::string command =
        compiler + " -std=c++17 " +
        (flags != nullptr && *flags != '\0' ? flags : "-O2 -march=native -fno-fast-math") +
        " -fPIC -shared -o '" + library.string() + "' '" + cpp.string() + "' > '" + log.string() +
        "' 2>&1";
    const int status = std::system(command.c_str());
    if (status == 0) {
        handle_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    const std::string message =
        status != 0
            ? "the C++ compiler '" + compiler +
                  "' failed to compile the neuron programs: " + read_all(log).substr(0, 2000)
        : handle_ == nullptr ? std::string("cannot load the compiled neuron programs: ") + dlerror()
                             : std::string();
    std::error_code ignored;
    fs::remove_all(dir, ignored); // a loaded library stays mapped after its file is gone
    if (!message.empty()) {
        throw native_code_error(message);
    }
}

native_library::~native_library() {
    if (handle_ != nullptr) {
        dlclose(handle_);
    }
}

firmware::native_step native_library::function(const std::string& name) const {
    void* const symbol = dlsym(handle_, name.c_str());
    if (symbol == nullptr) {
        throw native_code_error("the compiled neuron programs lack " + name);
    }
    return reinterpret_cast<firmware::native_step>(symbol);
}

native_outcome attach_native_code(const std::vector<kernel_core*>& cores, native_choice choice,
                                  std::uint64_t steps) {
    native_outcome outcome;
    outcome.kernel_cores = cores.size();
    std::map<std::vector<std::uint32_t>, std::size_t> index; // identity -> program number
    std::vector<const native_program*> programs;
    std::vector<std::size_t> program_of_core(cores.size(), 0);
    for (std::size_t c = 0; c < cores.size(); ++c) {
        const native_program& p = cores[c]->program();
        if (p.may_fault) {
            ++outcome.faulting_cores;
            continue;
        }
        const auto [at, added] = index.emplace(p.identity(), programs.size());
        if (added) {
            programs.push_back(&p);
        }
        program_of_core[c] = at->second;
    }
    if (choice == native_choice::never) {
        outcome.why_kernel = "--native-code never";
    } else if (programs.empty()) {
        outcome.why_kernel = cores.empty() ? "no cores" : "every core's program may fault";
    } else if (choice == native_choice::automatic && !compiler_found()) {
        outcome.why_kernel = "no C++ compiler '" + compiler_command() + "' found";
    } else if (choice == native_choice::automatic &&
               kernel_instructions(cores, steps) < native_threshold) {
        outcome.why_kernel = "the run is too short to repay compiling";
    }
    if (!outcome.why_kernel.empty()) {
        return outcome;
    }
    const auto start = std::chrono::steady_clock::now();
    std::shared_ptr<native_library> library;
    try {
        library = std::make_shared<native_library>(native_source(programs));
    } catch (const native_code_error& e) {
        if (choice == native_choice::always) {
            throw;
        }
        outcome.why_kernel = e.what();
        return outcome;
    }
    outcome.compile_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<firmware::native_step> functions;
    for (std::size_t k = 0; k < programs.size(); ++k) {
        functions.push_back(library->function(function_name(k)));
    }
    for (std::size_t c = 0; c < cores.size(); ++c) {
        if (!cores[c]->program().may_fault &&
            cores[c]->use_native(functions[program_of_core[c]], library)) {
            ++outcome.native_cores;
            --outcome.kernel_cores;
        }
    }
    outcome.compiled = outcome.native_cores > 0;
    outcome.programs = programs.size();
    return outcome;
}

board_maker with_native_code(board_maker make, native_choice choice, native_outcome& outcome) {
    return [make = std::move(make), choice,
            &outcome](board_parts& parts, std::string& problem) -> std::unique_ptr<board_stepper> {
        std::vector<kernel_core*> kernels;
        for (const std::unique_ptr<neuron_core>& core : parts.cores) {
            if (auto* const k = dynamic_cast<kernel_core*>(core.get()); k != nullptr) {
                kernels.push_back(k);
            }
        }
        try {
            outcome = attach_native_code(kernels, choice, parts.machine.steps);
        } catch (const native_code_error& e) {
            problem = e.what();
            return nullptr;
        }
        return make(parts, problem);
    };
}

} // namespace sf::emulator
