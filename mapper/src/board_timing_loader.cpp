// Reads the <timing> element of a board description (docs/boards.md). Clocks and delays are
// written with a unit and must come to a whole number of hertz or nanoseconds; they are read as
// exact decimals, so a value just off a whole number is refused rather than rounded.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "board_timing_loader.hpp"

namespace sf::mapper {
namespace {

using firmware::timing::board_timing;

// A unit, as the power of ten it multiplies its quantity's base unit (Hz or ns) by.
struct unit {
    std::string_view name;
    int exponent = 0;
};

// A quantity written with a unit: the units it may use (the base unit first), its range in the
// base unit, and how messages name them.
struct quantity {
    const unit* units = nullptr;
    std::size_t unit_count = 0;
    const char* unit_list = "";
    const char* example = "";
    std::uint64_t low = 0;
    std::uint64_t high = 0;
    const char* range = "";
};

constexpr unit frequency_units[] = {{"Hz", 0}, {"kHz", 3}, {"MHz", 6}, {"GHz", 9}};
constexpr unit delay_units[] = {{"ns", 0}, {"us", 3}};

constexpr quantity clock{frequency_units,   4,     "Hz, kHz, MHz or GHz",
                         "200 MHz",         1'000, 100'000'000'000,
                         "1 kHz to 100 GHz"};
constexpr quantity delay{delay_units,         2, "ns or us", "300 ns", 0, 1'000'000'000,
                         "0 to 1000000000 ns"};

// A decimal number as mantissa x 10^-decimals, the fraction's trailing zeros left out.
struct decimal {
    std::uint64_t mantissa = 0;
    int decimals = 0;
    bool too_large = false; // more significant digits than the mantissa holds
};

// The decimal number at the start of `text` (digits, a point, digits; no sign, no exponent), and
// in `used` how many characters it takes; nullopt when `text` does not start with one.
std::optional<decimal> parse_decimal(std::string_view text, std::size_t& used) {
    constexpr std::uint64_t most_mantissa = 1'000'000'000'000'000'000ULL;
    decimal d;
    bool point = false;
    int digits = 0;
    int pending_zeros = 0; // zeros of the fraction that count only if a nonzero digit follows
    const auto push = [&d](int digit) {
        if (d.mantissa > (most_mantissa - static_cast<std::uint64_t>(digit)) / 10) {
            d.too_large = true;
            return;
        }
        d.mantissa = d.mantissa * 10 + static_cast<std::uint64_t>(digit);
    };
    used = 0;
    for (; used < text.size(); ++used) {
        const char c = text[used];
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (c < '0' || c > '9') {
            break;
        }
        ++digits;
        if (point && c == '0') {
            ++pending_zeros;
            continue;
        }
        for (; pending_zeros > 0; --pending_zeros) {
            push(0);
            ++d.decimals;
        }
        push(c - '0');
        d.decimals += point ? 1 : 0;
    }
    if (digits == 0) {
        return std::nullopt;
    }
    return d;
}

// A quantity with its unit ("200 MHz", "133MHz", "300 ns") as a whole number of its base unit,
// or `fallback` when the attribute is absent.
std::uint64_t whole_quantity(const board_element_reader& reader, const pugi::xml_node& node,
                             const char* name, const quantity& kind, std::uint64_t fallback) {
    const auto text = reader.optional_text(node, name);
    if (!text) {
        return fallback;
    }
    const std::string start = std::string("attribute '") + name + "' ";
    const std::string quoted = "'" + board_element_reader::shorten(*text) + "'";
    std::size_t used = 0;
    const std::optional<decimal> value = parse_decimal(*text, used);
    if (!value) {
        reader.fail(node,
                    start + "must be a number with a unit (" + kind.unit_list + "), not " + quoted);
    }
    std::string_view unit_text = text->substr(used);
    while (!unit_text.empty() && unit_text.front() == ' ') {
        unit_text.remove_prefix(1);
    }
    const unit* found = nullptr;
    for (std::size_t u = 0; u < kind.unit_count; ++u) {
        found = kind.units[u].name == unit_text ? &kind.units[u] : found;
    }
    if (found == nullptr) {
        reader.fail(node, start + "needs a unit: " + kind.unit_list + " (as in \"" + kind.example +
                              "\"), not " + quoted);
    }
    if (value->decimals > found->exponent) {
        reader.fail(node, start + "must be a whole number of " + std::string(kind.units[0].name) +
                              ", not " + quoted);
    }
    std::uint64_t scale = 1;
    for (int e = value->decimals; e < found->exponent; ++e) {
        scale *= 10;
    }
    if (value->too_large || value->mantissa > kind.high / scale ||
        value->mantissa * scale < kind.low) {
        reader.fail(node, start + "must be " + kind.range + ", not " + quoted);
    }
    return value->mantissa * scale;
}

// A whole number of cycles, entries or packets that fits the timing's 32-bit fields.
std::uint32_t count(const board_element_reader& reader, const pugi::xml_node& node,
                    const char* name, std::int64_t low, std::int64_t high, std::uint32_t fallback) {
    return static_cast<std::uint32_t>(reader.whole(node, name, low, high, fallback));
}

bool analog_neurons(const board_element_reader& reader, const pugi::xml_node& node, bool fallback) {
    const auto text = reader.optional_text(node, "neurons");
    if (!text) {
        return fallback;
    }
    if (*text == "program" || *text == "analog") {
        return *text == "analog";
    }
    reader.fail(node, "attribute 'neurons' must be program or analog, not '" +
                          board_element_reader::shorten(*text) + "'");
}

} // namespace

board_timing read_board_timing(const board_element_reader& reader, const pugi::xml_node& node) {
    reader.check_attributes(node, {"core_clock", "router_clock", "neurons", "tick_cycles",
                                   "neuron_cycles", "spike_cycles", "packet_cycles", "word_cycles",
                                   "rand_cycles", "memory_latency", "memory_bandwidth",
                                   "router_pipeline", "input_fifo", "output_fifo", "wait1", "wait2",
                                   "link_latency", "reinjection_queue", "reinjection_cycles"});
    reader.check_leaf(node);
    constexpr std::int64_t most_cycles = 1'000'000;
    constexpr std::int64_t most_bandwidth = 1'000'000'000'000;
    constexpr std::int64_t most_stages = 64; // also the most cycles `rand` may take
    constexpr std::int64_t most_fifo = 1024;
    constexpr std::int64_t most_reinjection = std::int64_t{1} << 20;
    board_timing t;
    t.core_hz = whole_quantity(reader, node, "core_clock", clock, t.core_hz);
    t.router_hz = whole_quantity(reader, node, "router_clock", clock, t.router_hz);
    t.analog_neurons = analog_neurons(reader, node, t.analog_neurons);
    t.tick_cycles = count(reader, node, "tick_cycles", 0, most_cycles, t.tick_cycles);
    t.neuron_cycles = count(reader, node, "neuron_cycles", 0, most_cycles, t.neuron_cycles);
    t.spike_cycles = count(reader, node, "spike_cycles", 0, most_cycles, t.spike_cycles);
    t.packet_cycles = count(reader, node, "packet_cycles", 0, most_cycles, t.packet_cycles);
    t.word_cycles = count(reader, node, "word_cycles", 0, most_cycles, t.word_cycles);
    t.rand_cycles = count(reader, node, "rand_cycles", 1, most_stages, t.rand_cycles);
    t.memory_latency_ns = static_cast<std::uint32_t>(
        whole_quantity(reader, node, "memory_latency", delay, t.memory_latency_ns));
    t.memory_bytes_per_second = static_cast<std::uint64_t>(
        reader.whole(node, "memory_bandwidth", 1, most_bandwidth,
                     static_cast<std::int64_t>(t.memory_bytes_per_second)));
    t.pipeline_stages = count(reader, node, "router_pipeline", 1, most_stages, t.pipeline_stages);
    t.input_fifo = count(reader, node, "input_fifo", 1, most_fifo, t.input_fifo);
    t.output_fifo = count(reader, node, "output_fifo", 1, most_fifo, t.output_fifo);
    t.wait1_cycles = count(reader, node, "wait1", 0, most_cycles, t.wait1_cycles);
    t.wait2_cycles = count(reader, node, "wait2", 0, most_cycles, t.wait2_cycles);
    t.link_latency_ns = static_cast<std::uint32_t>(
        whole_quantity(reader, node, "link_latency", delay, t.link_latency_ns));
    t.reinjection_queue =
        count(reader, node, "reinjection_queue", 0, most_reinjection, t.reinjection_queue);
    t.reinjection_cycles =
        count(reader, node, "reinjection_cycles", 1, most_cycles, t.reinjection_cycles);
    return t;
}

} // namespace sf::mapper
