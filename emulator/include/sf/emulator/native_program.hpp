#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sf/firmware/core_config.hpp>

// A core's neuron program as C++ source (docs/native-code.md): what the kernel's op loop computes
// for every neuron, written out so that the system's compiler turns it into machine code for this
// run. Cores whose programs are the same word for word, with the same constants and tables, share
// one function.
namespace sf::emulator {

struct native_table {
    std::int32_t x0 = 0;
    std::uint8_t step = 0;
    std::uint8_t log2_intervals = 0;
    std::vector<std::int32_t> y;
};

struct native_program {
    std::vector<std::uint32_t> ops; // the kernel's pre-decoded ops (firmware::detail::pack)
    std::vector<native_table> tables;
    bool may_fault = false; // some op is a fault: such a program stays on the kernel

    // Every op word and table in one list: equal lists, equal programs.
    std::vector<std::uint32_t> identity() const;
};

// The program of a config that firmware::check accepted.
native_program program_of(const firmware::core_config& config);

// A source file with one function per program, named `function_name(k)` for programs[k], of type
// firmware::native_step. Programs that may fault are refused by the caller before this.
std::string native_source(const std::vector<const native_program*>& programs);
std::string function_name(std::size_t k);

} // namespace sf::emulator
