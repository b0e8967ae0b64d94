// The host's decoder of the board's recording blob: any bytes either decode into files inside
// the output folder or are refused with a usage_error, never read out of bounds or allocate
// what the input only claims.
#include <cstddef>
#include <cstdint>

#include <sf/host/host_errors.hpp>
#include <sf/host/recording_blob.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const sf::host::decoded_recordings r = sf::host::decode_recordings(data, size);
        for (const auto& t : r.traces) {
            if (t.path.is_absolute() || t.rows.size() % (t.columns + 1) != 0) {
                __builtin_trap();
            }
        }
        for (const auto& e : r.events) {
            for (const auto& part : e.path) {
                if (part == "..") {
                    __builtin_trap();
                }
            }
        }
    } catch (const sf::host::usage_error&) {
        // Refused: what malformed input gets.
    }
    return 0;
}
