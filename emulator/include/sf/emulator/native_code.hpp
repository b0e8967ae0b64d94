#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <sf/emulator/board_stepper.hpp>
#include <sf/emulator/native_program.hpp>
#include <sf/firmware/native_step.hpp>

// Neuron programs as machine code for one run (docs/native-code.md): every distinct program of a
// run's cores written as C++ into one source file, compiled by the system's compiler into one
// shared library in a temporary folder (removed at once: the loaded library stays mapped) and
// installed in the cores' kernels in place of their op loops.
namespace sf::emulator {

class kernel_core;

// --native-code: compile when the run repays it (automatic), always, or never.
enum class native_choice { never, automatic, always };

// "auto", "always" or "never" into `choice`; false for anything else.
bool read_native_choice(const std::string& text, native_choice& choice);

// Why compiling or loading failed, with the compiler's name and message.
class native_code_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What a run's cores were given.
struct native_outcome {
    bool compiled = false;          // some cores run native code
    std::size_t programs = 0;       // distinct programs compiled
    std::size_t native_cores = 0;   // cores running them
    std::size_t kernel_cores = 0;   // cores left on the kernel's op loop
    std::size_t faulting_cores = 0; // of those, cores whose programs may fault
    double compile_seconds = 0.0;
    std::string why_kernel; // why all cores stay on the kernel; empty when some run native code

    // "native code (N programs, compiled in X s)" or "kernel (why)", for the run's report.
    std::string describe() const;
};

// A loaded library of compiled programs; kept alive by every core that runs one of them.
class native_library {
public:
    // Compiles `source` with the system's compiler (compiler_command(); flags -O2 -march=native,
    // or SPIKEFORGE_CXXFLAGS) and loads it; throws
    // native_code_error naming the compiler and quoting its message when it cannot.
    explicit native_library(const std::string& source);
    ~native_library();
    native_library(const native_library&) = delete;
    native_library& operator=(const native_library&) = delete;

    // The function `name` of the library; throws native_code_error when it has none.
    firmware::native_step function(const std::string& name) const;

private:
    void* handle_ = nullptr;
};

// The compiler a native_library would call: SPIKEFORGE_CXX or CXX when set, else "c++"; and
// whether it is there
// (an executable file, found on PATH when the name has no slash).
std::string compiler_command();
bool compiler_found();

// The kernel instructions a run of `steps` steps issues above which automatic compiles. The
// kernel already runs each op over all of a core's neurons in vectorised loops, and on the CUBA
// benchmark the compiled programs ran 8 % faster than it (docs/native-code.md), so automatic
// compiles only runs long enough (a few seconds of programs) for that gain to repay the
// compiler's tenths of a second.
constexpr std::uint64_t native_threshold = 20'000'000'000;

// Gives `cores` native code as `choice` says for a run of `steps` steps. Throws
// native_code_error when `choice` is always and compiling fails; automatic falls back to the
// kernel, saying why.
native_outcome attach_native_code(const std::vector<kernel_core*>& cores, native_choice choice,
                                  std::uint64_t steps);

// `make` with native code given first to the kernel cores it is handed, for a run of the image's
// steps; `outcome` (which must outlive the maker) says what they got. When `choice` is always and
// compiling fails, the board is not made and the problem quotes the compiler.
board_maker with_native_code(board_maker make, native_choice choice, native_outcome& outcome);

} // namespace sf::emulator
