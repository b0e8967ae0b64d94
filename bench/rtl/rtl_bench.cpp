// Simulated clock cycles per wall second of the Verilated neuron core: one core of an image
// stepped alone, then a chip's worth (16 cores of the image, reused if it has fewer) stepped one
// after another on one thread. Prints `RESULT {json}` lines for bench/run_bench.py.
//
//   sf_bench_rtl IMAGE [--steps N] [--repeats R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <sf/emulator/rtl_core.hpp>
#include <sf/firmware/image.hpp>
#include <sf/mapper/image_file.hpp>

namespace {

namespace image = sf::firmware::image;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t chip_cores = 16;

std::vector<image::core_view> core_sections(const std::vector<std::uint32_t>& words) {
    std::vector<image::core_view> cores;
    image::sections walk(words.data(), words.size());
    image::section_view s;
    while (walk.next(s)) {
        if (s.kind == image::section_kind::core) {
            image::cursor c(s.payload, s.payload + s.length);
            image::core_view core;
            image::read_core(c, core);
            cores.push_back(core);
        }
    }
    return cores;
}

std::uint64_t total_cycles(const std::vector<std::unique_ptr<sf::emulator::rtl_core>>& cores) {
    std::uint64_t cycles = 0;
    for (const auto& core : cores) {
        cycles += core->cycles();
    }
    return cycles;
}

// Steps every core `steps` times, one core after another within a step, `repeats` times over;
// prints the median run's cycles per second (a shared machine's other work only slows a run, so
// the median of several says more than one) with the slowest and the fastest beside it.
void measure(const char* what, const std::vector<image::core_view>& sections, unsigned steps,
             unsigned repeats) {
    std::vector<std::unique_ptr<sf::emulator::rtl_core>> cores;
    std::uint64_t neurons = 0;
    for (const image::core_view& section : sections) {
        cores.push_back(std::make_unique<sf::emulator::rtl_core>(section));
        if (!cores.back()->problem().empty()) {
            throw std::runtime_error(cores.back()->problem());
        }
        neurons += section.neurons;
    }
    std::vector<std::uint16_t> spiked(256);
    std::vector<double> rates;
    std::uint64_t cycles = 0;
    double seconds = 0.0;
    for (unsigned r = 0; r < repeats; ++r) {
        const std::uint64_t before = total_cycles(cores);
        const auto started = clock_type::now();
        for (unsigned s = 0; s < steps; ++s) {
            for (const auto& core : cores) {
                core->step(spiked.data(), spiked.size());
            }
        }
        seconds = std::chrono::duration<double>(clock_type::now() - started).count();
        cycles = total_cycles(cores) - before;
        rates.push_back(static_cast<double>(cycles) / seconds);
    }
    std::sort(rates.begin(), rates.end());
    std::printf("RESULT {\"what\": \"%s\", \"cores\": %zu, \"neurons\": %llu, \"steps\": %u, "
                "\"repeats\": %u, \"cycles\": %llu, \"wall_s\": %.4f, \"cycles_per_s\": %.4g, "
                "\"slowest_cycles_per_s\": %.4g, \"fastest_cycles_per_s\": %.4g}\n",
                what, cores.size(), static_cast<unsigned long long>(neurons), steps, repeats,
                static_cast<unsigned long long>(cycles), seconds, rates[rates.size() / 2],
                rates.front(), rates.back());
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: sf_bench_rtl IMAGE [--steps N] [--repeats R]\n");
        return 2;
    }
    unsigned steps = 100;
    unsigned repeats = 5;
    for (int a = 2; a + 1 < argc; a += 2) {
        if (std::string(argv[a]) == "--steps") {
            steps = static_cast<unsigned>(std::strtoul(argv[a + 1], nullptr, 10));
        } else if (std::string(argv[a]) == "--repeats") {
            repeats = std::max(1u, static_cast<unsigned>(std::strtoul(argv[a + 1], nullptr, 10)));
        }
    }
    try {
        // The sections point into the image's words, which must outlive them.
        const std::vector<std::uint32_t> words = sf::mapper::load_image(argv[1]);
        const std::vector<image::core_view> all = core_sections(words);
        if (all.empty()) {
            std::fprintf(stderr, "sf_bench_rtl: %s has no core\n", argv[1]);
            return 2;
        }
        // The busiest core alone: the one with the most neurons.
        const auto busiest =
            std::max_element(all.begin(), all.end(),
                             [](const auto& a, const auto& b) { return a.neurons < b.neurons; });
        measure("one core", {*busiest}, steps, repeats);
        std::vector<image::core_view> chip;
        for (std::size_t k = 0; k < chip_cores; ++k) {
            chip.push_back(all[k % all.size()]);
        }
        measure("chip of 16 cores", chip, steps, repeats);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sf_bench_rtl: %s\n", e.what());
        return 1;
    }
    return 0;
}
