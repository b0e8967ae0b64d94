// The plotter's readers of spike and trace files: any text either reads into finite numbers of
// consistent shape or is refused with a plot_error, never read out of bounds.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <sf/plot/plot_error.hpp>
#include <sf/plot/recording_files.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const sf::plot::spike_record spikes = sf::plot::parse_spikes(text, "fuzz.spikes");
        if (spikes.times.size() != spikes.ids.size()) {
            __builtin_trap();
        }
        for (const double t : spikes.times) {
            if (!std::isfinite(t)) {
                __builtin_trap();
            }
        }
    } catch (const sf::plot::plot_error&) {
        // Refused: what malformed input gets.
    }
    try {
        const sf::plot::trace_record traces = sf::plot::parse_traces(text, "fuzz.dat");
        if (traces.columns == 0 || traces.rows.empty() ||
            traces.rows.size() % (traces.columns + 1) != 0) {
            __builtin_trap();
        }
    } catch (const sf::plot::plot_error&) {
    }
    return 0;
}
