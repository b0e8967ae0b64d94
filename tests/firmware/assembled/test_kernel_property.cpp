// The kernel against the reference semantics: random valid programs on random cores, states and
// synaptic rows, run for several steps by the kernel and by a straightforward per-neuron loop over
// isa::run_program, must agree word for word — state, spikes, saturation and every counter.
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/interpreter.hpp>
#include <sf/firmware/kernel.hpp>
#include <sf/firmware/synapse.hpp>
#include <sf/mapper/assembly.hpp>

namespace {

namespace fw = sf::firmware;
namespace isa = sf::firmware::isa;

int uniform(std::mt19937& random, int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
}

// Mostly small numbers, often the extremes and their neighbours, sometimes anything.
std::int32_t interesting_word(std::mt19937& random) {
    switch (uniform(random, 0, 5)) {
    case 0: return uniform(random, -3, 3);
    case 1: return uniform(random, -1000, 1000);
    case 2: return std::numeric_limits<std::int32_t>::max() - uniform(random, 0, 2);
    case 3: return std::numeric_limits<std::int32_t>::min() + uniform(random, 0, 2);
    case 4: return uniform(random, -(1 << 20), 1 << 20);
    default:
        return static_cast<std::int32_t>(std::uniform_int_distribution<std::int64_t>(
            std::numeric_limits<std::int32_t>::min(),
            std::numeric_limits<std::int32_t>::max())(random));
    }
}

struct random_core {
    std::vector<std::uint32_t> program;
    std::vector<std::int32_t> constants;
    std::vector<std::vector<std::int32_t>> samples;
    std::vector<isa::lookup_table> tables;
    std::vector<std::int32_t> state; // neuron-major
    fw::core_config config;
};

// An index below `count`, or with `faults` now and then any index the encoding allows.
std::uint16_t some_index(std::mt19937& random, std::size_t count, int max_index, bool faults) {
    if (count == 0 || (faults && uniform(random, 0, 9) == 0)) {
        return static_cast<std::uint16_t>(uniform(random, static_cast<int>(count), max_index));
    }
    return static_cast<std::uint16_t>(uniform(random, 0, static_cast<int>(count) - 1));
}

isa::instruction random_instruction(std::mt19937& random, const random_core& core, bool faults) {
    const fw::core_config& c = core.config;
    for (;;) {
        isa::instruction i;
        i.op = static_cast<isa::opcode>(uniform(random, 0, isa::opcode_count - 1));
        if (uniform(random, 0, 1) == 0) {
            i.predicate = static_cast<std::uint8_t>(uniform(random, 0, 3));
            i.negate = uniform(random, 0, 1) == 1;
        }
        // Few registers, so that instructions read what earlier ones wrote.
        auto reg = [&]() {
            return static_cast<std::uint8_t>(uniform(random, 0, 4) == 0 ? uniform(random, 0, 15)
                                                                        : uniform(random, 0, 5));
        };
        auto pred = [&]() { return static_cast<std::uint8_t>(uniform(random, 1, 3)); };
        std::size_t available = 1;
        switch (isa::info(i.op).form) {
        case isa::operand_form::none: break;
        case isa::operand_form::rd_only: i.rd = reg(); break;
        case isa::operand_form::rd_immediate:
            i.rd = reg();
            i.immediate = uniform(random, isa::min_immediate, isa::max_immediate);
            break;
        case isa::operand_form::rd_index:
            i.rd = reg();
            if (i.op == isa::opcode::rand) {
                i.index = static_cast<std::uint16_t>(uniform(random, 0, isa::max_draw));
                break;
            }
            available = i.op == isa::opcode::ldc   ? c.constant_count
                        : i.op == isa::opcode::lds ? c.state_words
                                                   : c.input_channels;
            i.index = some_index(random, available, isa::info(i.op).max_index, faults);
            break;
        case isa::operand_form::index_ra:
            i.ra = reg();
            available = c.state_words;
            i.index = some_index(random, available, isa::max_state_slot, faults);
            break;
        case isa::operand_form::rd_ra_rb:
            i.rd = reg();
            i.ra = reg();
            i.rb = reg();
            break;
        case isa::operand_form::rd_ra_rb_sh:
            i.rd = reg();
            i.ra = reg();
            i.rb = reg();
            i.index = static_cast<std::uint16_t>(
                uniform(random, 0, 4) == 0 ? uniform(random, 0, 63) : uniform(random, 0, 32));
            break;
        case isa::operand_form::rd_ra_sh:
            i.rd = reg();
            i.ra = reg();
            i.index = static_cast<std::uint16_t>(uniform(random, 0, 31));
            break;
        case isa::operand_form::pd_ra_rb:
            i.rd = pred();
            i.ra = reg();
            i.rb = reg();
            break;
        case isa::operand_form::rd_pd_ra_rb:
            i.rd = reg();
            i.pd = pred();
            i.ra = reg();
            i.rb = reg();
            break;
        case isa::operand_form::rd_ra_table:
            i.rd = reg();
            i.ra = reg();
            available = c.table_count;
            i.index = some_index(random, available, isa::max_table, faults);
            break;
        }
        if (available == 0 && !faults) {
            continue; // the core has none of what this instruction reads
        }
        return i;
    }
}

random_core make_core(std::mt19937& random, bool faults) {
    random_core core;
    fw::core_config& c = core.config;
    c.neuron_count = static_cast<std::size_t>(uniform(random, 0, 9) == 0 ? uniform(random, 1, 256)
                                                                         : uniform(random, 1, 40));
    c.state_words = static_cast<std::size_t>(uniform(random, 1, 6));
    c.input_channels = static_cast<std::size_t>(uniform(random, 0, 4));
    c.delay_slots = std::size_t{1} << uniform(random, 0, 4);
    c.seed = static_cast<std::uint32_t>(interesting_word(random));
    c.first_neuron =
        static_cast<std::uint32_t>(uniform(random, 0, 3) == 0 ? 0 : uniform(random, 0, 100000));
    core.constants.resize(static_cast<std::size_t>(uniform(random, 0, 6)));
    for (std::int32_t& k : core.constants) {
        k = interesting_word(random);
    }
    const int table_count = uniform(random, 0, 3);
    for (int t = 0; t < table_count; ++t) {
        isa::lookup_table table;
        table.log2_intervals = static_cast<std::uint8_t>(uniform(random, 0, 4));
        table.step = static_cast<std::uint8_t>(uniform(random, 0, 1) == 0 ? uniform(random, 0, 30)
                                                                          : uniform(random, 0, 8));
        table.x0 = interesting_word(random);
        std::vector<std::int32_t> y((std::size_t{1} << table.log2_intervals) + 1);
        for (std::int32_t& v : y) {
            v = interesting_word(random);
        }
        core.samples.push_back(y);
        core.tables.push_back(table);
    }
    for (std::size_t t = 0; t < core.tables.size(); ++t) {
        core.tables[t].y = core.samples[t].data();
    }
    c.constants = core.constants.data();
    c.constant_count = core.constants.size();
    c.tables = core.tables.data();
    c.table_count = core.tables.size();
    const int length = uniform(random, 0, 40);
    for (int at = 0; at < length; ++at) {
        std::uint32_t word = 0;
        REQUIRE(isa::encode(random_instruction(random, core, faults), word) ==
                isa::decode_status::ok);
        core.program.push_back(word);
    }
    c.program = core.program.data();
    c.program_length = core.program.size();
    core.state.resize(c.neuron_count * c.state_words);
    for (std::int32_t& s : core.state) {
        s = interesting_word(random);
    }
    c.initial_state = core.state.data();
    return core;
}

// The obvious implementation: one run_program per neuron, inputs from a ring kept per neuron.
struct reference_core {
    const random_core& core;
    std::vector<std::int32_t> state;
    std::vector<std::int32_t> ring; // [slot][neuron][channel]
    std::uint32_t step_number = 0;
    fw::kernel_counters counters;
    fw::fault_report first_fault;

    explicit reference_core(const random_core& c)
        : core(c), state(c.state),
          ring(c.config.delay_slots * c.config.neuron_count * c.config.input_channels, 0) {}

    std::size_t at(std::size_t slot, std::size_t neuron, std::size_t channel) const {
        return (slot * core.config.neuron_count + neuron) * core.config.input_channels + channel;
    }
    void deliver(const std::vector<std::uint32_t>& row) {
        const fw::core_config& c = core.config;
        for (std::uint32_t word : row) {
            const fw::synapse::fields f = fw::synapse::decode(word);
            if (f.target >= c.neuron_count || f.channel >= c.input_channels ||
                f.delay > c.delay_slots) {
                ++counters.dropped_words;
                continue;
            }
            ++counters.delivered_words;
            std::int32_t& sum =
                ring[at((step_number + f.delay) % c.delay_slots, f.target, f.channel)];
            std::int64_t wide = std::int64_t{sum} + f.weight;
            if (wide > std::numeric_limits<std::int32_t>::max() ||
                wide < std::numeric_limits<std::int32_t>::min()) {
                ++counters.input_overflows;
                wide = wide > 0 ? std::numeric_limits<std::int32_t>::max()
                                : std::numeric_limits<std::int32_t>::min();
            }
            sum = static_cast<std::int32_t>(wide);
        }
    }
    std::vector<std::uint16_t> step() {
        const fw::core_config& c = core.config;
        ++step_number;
        const std::size_t slot = step_number % c.delay_slots;
        std::vector<std::uint16_t> spiked;
        for (std::size_t n = 0; n < c.neuron_count; ++n) {
            isa::neuron_memory memory;
            memory.state = state.data() + n * c.state_words;
            memory.state_words = c.state_words;
            memory.constants = c.constants;
            memory.constant_words = c.constant_count;
            memory.inputs = ring.data() + at(slot, n, 0);
            memory.input_channels = c.input_channels;
            memory.tables = c.tables;
            memory.table_count = c.table_count;
            memory.step = step_number;
            memory.neuron = c.first_neuron + static_cast<std::uint32_t>(n);
            memory.seed = c.seed;
            fw::saturation_count saturations;
            const isa::run_result r =
                isa::run_program(c.program, c.program_length, memory, saturations);
            counters.saturations += saturations.events;
            ++counters.neuron_updates;
            if (r.spiked) {
                spiked.push_back(static_cast<std::uint16_t>(n));
            }
            if (r.status == isa::run_status::ok) {
                counters.instructions += c.program_length;
            } else {
                counters.instructions += r.failed_at + 1;
                ++counters.program_faults;
                if (!first_fault.happened) {
                    first_fault = {true, step_number, static_cast<std::uint32_t>(n),
                                   static_cast<std::uint32_t>(r.failed_at), r.status};
                }
            }
        }
        for (std::size_t n = 0; n < c.neuron_count; ++n) {
            for (std::size_t ch = 0; ch < c.input_channels; ++ch) {
                ring[at(slot, n, ch)] = 0;
            }
        }
        ++counters.steps;
        counters.spikes += spiked.size();
        return spiked;
    }
};

std::vector<std::uint32_t> random_row(std::mt19937& random, const fw::core_config& c) {
    std::vector<std::uint32_t> row(
        static_cast<std::size_t>(uniform(random, 0, 3 * static_cast<int>(c.neuron_count))));
    for (std::uint32_t& word : row) {
        fw::synapse::fields f;
        const bool valid = uniform(random, 0, 9) != 0;
        f.weight =
            uniform(random, 0, 3) == 0
                ? (uniform(random, 0, 1) == 0 ? fw::synapse::min_weight : fw::synapse::max_weight)
                : uniform(random, fw::synapse::min_weight, fw::synapse::max_weight);
        f.delay = static_cast<std::uint32_t>(
            valid ? uniform(random, 1, static_cast<int>(c.delay_slots)) : uniform(random, 1, 16));
        f.channel = static_cast<std::uint32_t>(
            valid && c.input_channels > 0
                ? uniform(random, 0, static_cast<int>(c.input_channels) - 1)
                : uniform(random, 0, 15));
        f.target = static_cast<std::uint32_t>(
            valid ? uniform(random, 0, static_cast<int>(c.neuron_count) - 1)
                  : uniform(random, 0, 255));
        REQUIRE(fw::synapse::encode(f, word));
    }
    return row;
}

void compare(const fw::kernel& k, const reference_core& ref,
             const std::vector<std::uint16_t>& kernel_spikes,
             const std::vector<std::uint16_t>& reference_spikes) {
    REQUIRE(kernel_spikes == reference_spikes);
    const fw::core_config& c = ref.core.config;
    for (std::size_t n = 0; n < c.neuron_count; ++n) {
        for (std::size_t s = 0; s < c.state_words; ++s) {
            INFO("neuron " << n << ", state word " << s);
            REQUIRE(k.state(n, s) == ref.state[n * c.state_words + s]);
        }
    }
    const fw::kernel_counters& got = k.counters();
    const fw::kernel_counters& want = ref.counters;
    REQUIRE(got.steps == want.steps);
    REQUIRE(got.neuron_updates == want.neuron_updates);
    REQUIRE(got.instructions == want.instructions);
    REQUIRE(got.spikes == want.spikes);
    REQUIRE(got.unreported_spikes == 0);
    REQUIRE(got.delivered_words == want.delivered_words);
    REQUIRE(got.input_overflows == want.input_overflows);
    REQUIRE(got.dropped_words == want.dropped_words);
    REQUIRE(got.saturations == want.saturations);
    REQUIRE(got.program_faults == want.program_faults);
    const fw::fault_report& f = k.first_fault();
    REQUIRE(f.happened == ref.first_fault.happened);
    REQUIRE(f.step == ref.first_fault.step);
    REQUIRE(f.neuron == ref.first_fault.neuron);
    REQUIRE(f.instruction == ref.first_fault.instruction);
    REQUIRE(f.status == ref.first_fault.status);
}

// Runs the trials and returns the sum of their counters, to show what they exercised.
fw::kernel_counters run_trials(std::uint32_t first_seed, int trials, bool faults) {
    fw::kernel_counters total;
    for (int trial = 0; trial < trials; ++trial) {
        const std::uint32_t seed = first_seed + static_cast<std::uint32_t>(trial);
        std::mt19937 random(seed);
        const random_core core = make_core(random, faults);
        INFO("seed " << seed << ": " << core.config.neuron_count << " neurons, "
                     << core.config.state_words << " state words, " << core.config.input_channels
                     << " channels, " << core.config.delay_slots << " slots, program:\n"
                     << sf::mapper::disassemble(core.program));
        std::vector<std::uint32_t> arena(fw::words_needed(core.config), 0xA5A5A5A5u);
        fw::kernel k;
        REQUIRE(k.init(core.config, arena.data(), arena.size()) == fw::init_status::ok);
        reference_core ref(core);
        std::vector<std::uint16_t> spiked(core.config.neuron_count);
        const int steps = uniform(random, 1, 8);
        for (int s = 0; s < steps; ++s) {
            INFO("step " << s + 1);
            const std::vector<std::uint32_t> row = random_row(random, core.config);
            k.deliver(row.data(), row.size());
            ref.deliver(row);
            if (uniform(random, 0, 3) == 0) { // a state word written between steps
                const auto n = static_cast<std::size_t>(
                    uniform(random, 0, static_cast<int>(core.config.neuron_count) - 1));
                const auto w = static_cast<std::size_t>(
                    uniform(random, 0, static_cast<int>(core.config.state_words) - 1));
                const std::int32_t value = interesting_word(random);
                REQUIRE(k.store_state(n, w, value));
                ref.state[n * core.config.state_words + w] = value;
            }
            spiked.resize(core.config.neuron_count);
            spiked.resize(k.step(spiked.data(), spiked.size()));
            const std::vector<std::uint16_t> expected = ref.step();
            compare(k, ref, spiked, expected);
        }
        total.neuron_updates += k.counters().neuron_updates;
        total.instructions += k.counters().instructions;
        total.spikes += k.counters().spikes;
        total.dropped_words += k.counters().dropped_words;
        total.delivered_words += k.counters().delivered_words;
        total.saturations += k.counters().saturations;
        total.program_faults += k.counters().program_faults;
    }
    return total;
}

} // namespace

TEST_CASE("kernel: random valid programs give the reference interpreter's results word for word",
          "[firmware][kernel]") {
    const fw::kernel_counters total = run_trials(1000, 1500, false);
    CHECK(total.program_faults == 0);
    CHECK(total.spikes > 1000);
    CHECK(total.saturations > 1000);
    CHECK(total.dropped_words > 1000);
    CHECK(total.delivered_words > 10000);
}

TEST_CASE("kernel: random programs with faulting accesses give the reference interpreter's results",
          "[firmware][kernel]") {
    const fw::kernel_counters total = run_trials(500000, 1500, true);
    CHECK(total.program_faults > 1000);
    CHECK(total.instructions < total.neuron_updates * 20);
}
