// libFuzzer target for the neuron-core assembler: any text must either assemble or be refused
// with assembly_error, and what assembles must disassemble to text that assembles to the same
// words.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include <sf/mapper/assembly.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<std::uint32_t> words;
    try {
        words = sf::mapper::assemble(text);
    } catch (const sf::mapper::assembly_error&) {
        return 0;
    }
    if (sf::mapper::assemble(sf::mapper::disassemble(words)) != words) {
        std::fprintf(stderr, "fuzz_assembly: disassembled text assembles to other words\n");
        std::abort();
    }
    return 0;
}
