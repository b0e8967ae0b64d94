#include "random_programs.hpp"

#include <algorithm>
#include <limits>

#include <catch2/catch.hpp>

#include <sf/firmware/image_format.hpp>
#include <sf/firmware/synapse.hpp>

namespace sf::emulator::test {
namespace {

namespace isa = firmware::isa;
using isa::opcode;

constexpr std::int32_t int32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t int32_max = std::numeric_limits<std::int32_t>::max();

std::uint32_t below(std::mt19937& random, std::uint32_t n) {
    return n == 0 ? 0 : static_cast<std::uint32_t>(random() % n);
}

bool chance(std::mt19937& random, std::uint32_t percent) { return below(random, 100) < percent; }

// A value that is often at or near an int32 limit, or small.
std::int32_t extreme(std::mt19937& random) {
    switch (below(random, 6)) {
    case 0: return int32_max - static_cast<std::int32_t>(below(random, 4));
    case 1: return int32_min + static_cast<std::int32_t>(below(random, 4));
    case 2: return static_cast<std::int32_t>(below(random, 2001)) - 1000;
    case 3: return static_cast<std::int32_t>(random());
    case 4: return (static_cast<std::int32_t>(below(random, 3)) - 1) * (1 << 30);
    default: return static_cast<std::int32_t>(below(random, 1u << 20)) - (1 << 19);
    }
}

// Picks the registers and indices of one program, keeping hazards and store-load pairs frequent.
class program_writer {
public:
    program_writer(std::mt19937& random, const section_data& s) : random_(random), s_(s) {}

    std::vector<std::uint32_t> write(std::size_t length) {
        std::vector<std::uint32_t> words;
        for (std::size_t k = 0; k < length; ++k) {
            isa::instruction i = next();
            words.push_back(word_of(i));
            recent_[k % 3] = i.rd;
            if (i.op == opcode::sts && chance(random_, 40)) {
                isa::instruction load{opcode::lds};
                load.rd = reg();
                load.index = i.index;
                words.push_back(word_of(load));
                ++k;
            }
        }
        return words;
    }

private:
    std::uint8_t reg() {
        // Often one of the last three destinations: a hazard at distance 1, 2 or 3.
        if (chance(random_, 45)) {
            return recent_[below(random_, 3)];
        }
        return static_cast<std::uint8_t>(below(random_, 6));
    }

    // An index within `limit`, or rarely just beyond it (a fault when the guard holds).
    std::uint16_t index(std::uint32_t limit, std::uint32_t max, isa::instruction& i) {
        if (chance(random_, 4) && limit <= max) {
            i.predicate = static_cast<std::uint8_t>(1 + below(random_, 3));
            return static_cast<std::uint16_t>(limit);
        }
        return static_cast<std::uint16_t>(below(random_, limit));
    }

    std::uint16_t shift(std::uint32_t max) {
        const std::uint32_t edges[] = {0, 1, 31, max};
        return static_cast<std::uint16_t>(chance(random_, 50) ? edges[below(random_, 4)]
                                                              : below(random_, max + 1));
    }

    isa::instruction next() {
        isa::instruction i;
        i.op = static_cast<opcode>(below(random_, isa::opcode_count));
        i.predicate = chance(random_, 55) ? 0 : static_cast<std::uint8_t>(below(random_, 4));
        i.negate = i.predicate != 0 && chance(random_, 50);
        switch (isa::info(i.op).form) {
        case isa::operand_form::none: break;
        case isa::operand_form::rd_only: i.rd = reg(); break;
        case isa::operand_form::rd_immediate:
            i.rd = reg();
            i.immediate = chance(random_, 30)
                              ? (chance(random_, 50) ? isa::min_immediate : isa::max_immediate)
                              : static_cast<std::int32_t>(below(random_, 2001)) - 1000;
            break;
        case isa::operand_form::rd_index: fill_index(i); break;
        case isa::operand_form::index_ra:
            i.ra = reg();
            i.index = index(s_.state_words, isa::max_state_slot, i);
            break;
        case isa::operand_form::rd_ra_rb:
        case isa::operand_form::pd_ra_rb:
        case isa::operand_form::rd_pd_ra_rb:
            i.rd = reg();
            i.ra = reg();
            i.rb = reg();
            fix_predicates(i);
            break;
        case isa::operand_form::rd_ra_rb_sh:
            i.rd = reg();
            i.ra = reg();
            i.rb = reg();
            i.index = shift(isa::max_multiply_shift);
            break;
        case isa::operand_form::rd_ra_sh:
            i.rd = reg();
            i.ra = reg();
            i.index = shift(isa::max_shift);
            break;
        case isa::operand_form::rd_ra_table:
            i.rd = reg();
            i.ra = reg();
            i.index = index(s_.table_count, isa::max_table, i);
            break;
        }
        return i;
    }

    void fill_index(isa::instruction& i) {
        i.rd = reg();
        switch (i.op) {
        case opcode::ldc:
            i.index = index(static_cast<std::uint32_t>(s_.constants.size()), isa::max_constant, i);
            break;
        case opcode::lds: i.index = index(s_.state_words, isa::max_state_slot, i); break;
        case opcode::ldin: i.index = index(s_.input_channels, isa::max_input_channel, i); break;
        default: i.index = static_cast<std::uint16_t>(below(random_, isa::max_draw + 1)); break;
        }
    }

    void fix_predicates(isa::instruction& i) {
        if (isa::info(i.op).form == isa::operand_form::pd_ra_rb) {
            i.rd = static_cast<std::uint8_t>(1 + below(random_, 3));
        } else if (i.op == opcode::sel) {
            i.pd = static_cast<std::uint8_t>(1 + below(random_, 3));
        }
    }

    std::mt19937& random_;
    const section_data& s_;
    std::uint8_t recent_[3] = {0, 1, 2};
};

} // namespace

std::uint32_t word_of(const isa::instruction& i) {
    std::uint32_t word = 0;
    REQUIRE(isa::encode(i, word) == isa::decode_status::ok);
    return word;
}

firmware::image::core_view section_data::view() const {
    firmware::image::core_view v;
    v.first = first;
    v.neurons = neurons;
    v.state_words = state_words;
    v.input_channels = input_channels;
    v.delay_slots = delay_slots;
    v.seed = seed;
    v.program_words = static_cast<std::uint32_t>(program.size());
    v.constant_count = static_cast<std::uint32_t>(constants.size());
    v.table_count = table_count;
    v.program = program.data();
    v.constants = constants.data();
    v.tables = tables.data();
    v.initial_state = state.empty() ? nullptr : state.data();
    return v;
}

void section_data::add_table(std::int32_t x0, std::uint8_t step, std::uint8_t log2,
                             const std::vector<std::int32_t>& samples) {
    tables.push_back(static_cast<std::uint32_t>(x0));
    tables.push_back(firmware::image::encode_shape({step, log2}));
    for (const std::int32_t y : samples) {
        tables.push_back(static_cast<std::uint32_t>(y));
    }
    ++table_count;
}

section_data random_section(std::mt19937& random) {
    section_data s;
    s.neurons = 1 + below(random, 6);
    s.state_words = 1 + below(random, 6);
    s.input_channels = 1 + below(random, 4);
    s.delay_slots = 1u << below(random, 5);
    s.seed = static_cast<std::uint32_t>(random());
    s.first = below(random, 1000);
    for (std::uint32_t k = 0, n = 1 + below(random, 8); k < n; ++k) {
        s.constants.push_back(static_cast<std::uint32_t>(extreme(random)));
    }
    for (std::uint32_t t = 0, n = below(random, 4); t < n; ++t) {
        const auto step = static_cast<std::uint8_t>(below(random, 8));
        const auto log2 = static_cast<std::uint8_t>(below(random, 5));
        std::vector<std::int32_t> samples((1u << log2) + 1);
        for (std::int32_t& y : samples) {
            y = extreme(random);
        }
        s.add_table(static_cast<std::int32_t>(below(random, 2001)) - 1000, step, log2, samples);
    }
    for (std::uint32_t w = 0; w < s.neurons * s.state_words; ++w) {
        s.state.push_back(static_cast<std::uint32_t>(extreme(random)));
    }
    s.program = program_writer(random, s).write(4 + below(random, 40));
    return s;
}

std::vector<std::uint32_t> random_row(std::mt19937& random, const section_data& s) {
    std::vector<std::uint32_t> row;
    for (std::uint32_t w = 0, n = below(random, 12); w < n; ++w) {
        firmware::synapse::fields f;
        f.target = below(random, s.neurons + (chance(random, 10) ? 3 : 0));
        f.channel = below(random, s.input_channels + (chance(random, 10) ? 2 : 0));
        f.delay = 1 + below(random, chance(random, 10) ? 16 : s.delay_slots);
        f.weight = chance(random, 50) ? (chance(random, 50) ? firmware::synapse::min_weight
                                                            : firmware::synapse::max_weight)
                                      : static_cast<std::int32_t>(below(random, 201)) - 100;
        std::uint32_t word = 0;
        REQUIRE(firmware::synapse::encode(f, word));
        row.push_back(word);
    }
    return row;
}

reference_core::reference_core(const section_data& section) : section_(section) {
    const std::uint32_t* t = section.tables.data();
    for (std::uint32_t k = 0; k < section.table_count; ++k) {
        const firmware::image::table_shape shape = firmware::image::decode_shape(t[1]);
        tables_.push_back({static_cast<std::int32_t>(t[0]), shape.step, shape.log2_intervals,
                           reinterpret_cast<const std::int32_t*>(t + 2)});
        t += firmware::image::table_words(shape);
    }
    for (const std::uint32_t w : section.state) {
        state_.push_back(static_cast<std::int32_t>(w));
    }
    ring_.assign(section.delay_slots * section.neurons * section.input_channels, 0);
}

void reference_core::deliver(const std::vector<std::uint32_t>& row) {
    namespace synapse = firmware::synapse;
    for (const std::uint32_t word : row) {
        const synapse::fields f = synapse::decode(word);
        if (f.target >= section_.neurons || f.channel >= section_.input_channels ||
            f.delay > section_.delay_slots) {
            continue;
        }
        const std::uint32_t slot = (step_ + f.delay) & (section_.delay_slots - 1);
        std::int32_t& sum =
            ring_[(slot * section_.neurons + f.target) * section_.input_channels + f.channel];
        const std::int64_t wide = std::int64_t{sum} + f.weight;
        sum = static_cast<std::int32_t>(std::clamp<std::int64_t>(wide, int32_min, int32_max));
    }
}

std::vector<std::uint16_t> reference_core::step() {
    ++step_;
    const std::uint32_t slot = step_ & (section_.delay_slots - 1);
    std::vector<std::uint16_t> spikes;
    for (std::uint32_t n = 0; n < section_.neurons; ++n) {
        std::int32_t* inputs =
            ring_.data() + (slot * section_.neurons + n) * section_.input_channels;
        firmware::isa::neuron_memory memory;
        memory.state = state_.data() + n * section_.state_words;
        memory.state_words = section_.state_words;
        memory.constants = reinterpret_cast<const std::int32_t*>(section_.constants.data());
        memory.constant_words = section_.constants.size();
        memory.inputs = inputs;
        memory.input_channels = section_.input_channels;
        memory.tables = tables_.data();
        memory.table_count = tables_.size();
        memory.step = step_;
        memory.neuron = section_.first + n;
        memory.seed = section_.seed;
        const firmware::isa::run_result result = firmware::isa::run_program(
            section_.program.data(), section_.program.size(), memory, saturations_);
        if (result.spiked) {
            spikes.push_back(static_cast<std::uint16_t>(n));
        }
        std::fill(inputs, inputs + section_.input_channels, 0);
    }
    return spikes;
}

} // namespace sf::emulator::test
