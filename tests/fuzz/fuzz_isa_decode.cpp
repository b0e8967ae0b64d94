// libFuzzer target for the instruction decoder, which reads programs out of board images: every
// 32-bit word must either be refused or decode to an instruction that encodes back to that word.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <sf/firmware/isa.hpp>

namespace isa = sf::firmware::isa;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    for (std::size_t at = 0; at + 4 <= size; at += 4) {
        const std::uint32_t word = std::uint32_t{data[at]} | std::uint32_t{data[at + 1]} << 8 |
                                   std::uint32_t{data[at + 2]} << 16 |
                                   std::uint32_t{data[at + 3]} << 24;
        isa::instruction decoded;
        const isa::decode_status status = isa::decode(word, decoded);
        if (status != isa::decode_status::ok) {
            continue;
        }
        std::uint32_t again = 0;
        if (isa::check(decoded) != isa::decode_status::ok ||
            isa::encode(decoded, again) != isa::decode_status::ok || again != word) {
            std::fprintf(stderr,
                         "fuzz_isa_decode: word %08x decodes but does not encode back (%08x)\n",
                         static_cast<unsigned>(word), static_cast<unsigned>(again));
            std::abort();
        }
    }
    return 0;
}
