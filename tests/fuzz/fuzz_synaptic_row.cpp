// libFuzzer target for the kernel's synaptic-row decoder, which reads rows out of routing tables
// and board images: any words, delivered to a core of any shape after any number of steps, must
// land in the ring-buffer slots a plain reference computes, clamped and counted the same, or be
// counted as dropped. Input: neurons - 1, channels, log2 of the delay slots, steps before the row,
// then the row's words (little-endian).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

#include <sf/firmware/isa.hpp>
#include <sf/firmware/kernel.hpp>
#include <sf/firmware/synapse.hpp>

namespace fw = sf::firmware;
namespace isa = sf::firmware::isa;

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_synaptic_row: %s\n", what);
    std::abort();
}

std::uint32_t encoded(isa::opcode op, std::uint8_t rd, std::uint8_t ra, std::uint16_t index) {
    isa::instruction i;
    i.op = op;
    i.rd = rd;
    i.ra = ra;
    i.index = index;
    std::uint32_t word = 0;
    if (isa::encode(i, word) != isa::decode_status::ok) {
        fail("test program does not encode");
    }
    return word;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) {
        return 0;
    }
    fw::core_config config;
    config.neuron_count = std::size_t{data[0]} + 1;
    config.input_channels = data[1] % (fw::max_input_channels + 1);
    config.delay_slots = std::size_t{1} << (data[2] % 5);
    config.state_words = config.input_channels > 0 ? config.input_channels : 1;
    const int steps_before = data[3] % 40;
    std::vector<std::uint32_t> row;
    for (std::size_t at = 4; at + 4 <= size; at += 4) {
        row.push_back(std::uint32_t{data[at]} | std::uint32_t{data[at + 1]} << 8 |
                      std::uint32_t{data[at + 2]} << 16 | std::uint32_t{data[at + 3]} << 24);
    }
    // Each channel's input copied into the state word of the same number, every step.
    std::vector<std::uint32_t> program;
    for (std::size_t c = 0; c < config.input_channels; ++c) {
        program.push_back(encoded(isa::opcode::ldin, 1, 0, static_cast<std::uint16_t>(c)));
        program.push_back(encoded(isa::opcode::sts, 0, 1, static_cast<std::uint16_t>(c)));
    }
    config.program = program.data();
    config.program_length = program.size();
    std::vector<std::uint32_t> arena(fw::words_needed(config));
    fw::kernel core;
    if (core.init(config, arena.data(), arena.size()) != fw::init_status::ok) {
        fail("a valid core refused to start");
    }
    std::vector<std::uint16_t> spiked(config.neuron_count);
    for (int s = 0; s < steps_before; ++s) {
        core.step(spiked.data(), spiked.size());
    }
    core.deliver(row.data(), row.size());

    // The reference: sums per delay, neuron and channel, clamped word by word in row order.
    const std::size_t n = config.neuron_count;
    const std::size_t channels = config.input_channels;
    std::vector<std::int64_t> sums(config.delay_slots * n * (channels > 0 ? channels : 1), 0);
    std::uint64_t dropped = 0;
    std::uint64_t overflows = 0;
    for (std::uint32_t word : row) {
        const fw::synapse::fields f = fw::synapse::decode(word);
        if (f.target >= n || f.channel >= channels || f.delay > config.delay_slots) {
            ++dropped;
            continue;
        }
        std::int64_t& sum = sums[((f.delay - 1) * n + f.target) * channels + f.channel];
        sum += f.weight;
        if (sum > std::numeric_limits<std::int32_t>::max() ||
            sum < std::numeric_limits<std::int32_t>::min()) {
            ++overflows;
            sum = sum > 0 ? std::numeric_limits<std::int32_t>::max()
                          : std::numeric_limits<std::int32_t>::min();
        }
    }
    const fw::kernel_counters& counters = core.counters();
    if (counters.dropped_words != dropped || counters.delivered_words != row.size() - dropped ||
        counters.input_overflows != overflows) {
        fail("counters differ from the reference");
    }
    for (std::size_t delay = 1; delay <= config.delay_slots; ++delay) {
        core.step(spiked.data(), spiked.size());
        for (std::size_t target = 0; target < n; ++target) {
            for (std::size_t c = 0; c < channels; ++c) {
                if (core.state(target, c) != sums[((delay - 1) * n + target) * channels + c]) {
                    fail("a ring-buffer sum differs from the reference");
                }
            }
        }
    }
    return 0;
}
