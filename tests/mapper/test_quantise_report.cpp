// The formats, constants and lookup tables the quantising compiler chooses for small LEMS models,
// as its report and its compiled groups show them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include <sf/firmware/interpreter.hpp>
#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/mapper/assembly.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/quantise.hpp>

#include "../lems/test_support.hpp"

namespace {

using sf::lems::test::temp_folder;
using sf::mapper::compiled_network;
using sf::mapper::fixed_format;
using sf::mapper::group_entry;

struct compiled_model {
    sf::lems::ir::network net;
    compiled_network out;

    int group(const std::string& label) const {
        for (std::size_t g = 0; g < net.groups.size(); ++g) {
            if (net.groups[g].label == label) {
                return static_cast<int>(g);
            }
        }
        FAIL("no group " << label);
        return -1;
    }
    const group_entry& entry(const std::string& label) const {
        for (const auto& e : out.report.groups) {
            if (e.label == label) {
                return e;
            }
        }
        FAIL("no report section " << label);
        return out.report.groups.front();
    }
    int variable(int g, const std::string& name) const {
        const auto& vars = net.groups[static_cast<std::size_t>(g)].variables;
        for (std::size_t v = 0; v < vars.size(); ++v) {
            if (vars[v].name == name) {
                return static_cast<int>(v);
            }
        }
        FAIL("no variable " << name);
        return -1;
    }
    const sf::mapper::variable_entry& reported(const std::string& label,
                                               const std::string& name) const {
        for (const auto& v : entry(label).variables) {
            if (v.name == name) {
                return v;
            }
        }
        FAIL("no reported variable " << name << " in " << label);
        return entry(label).variables.front();
    }
};

compiled_model compile(const std::string& text, const sf::mapper::board& board,
                       const sf::mapper::quantise_options& options = {}) {
    temp_folder dir("sf_quantise_report");
    const auto file = dir.write("model.xml", text);
    const sf::lems::model model = sf::lems::load_model({file});
    compiled_model result;
    result.net = sf::lems::flatten(model);
    result.out = sf::mapper::quantise(result.net, board, options);
    return result;
}

compiled_model compile(const std::string& text, const std::string& board = "spinn5") {
    return compile(text, sf::mapper::find_board(board));
}

// The bits a value's largest magnitude uses in its word.
double significant_bits(double magnitude, fixed_format f) {
    return std::log2(std::ldexp(magnitude, f.frac_bits));
}

// An integrate-and-fire cell with a refractory period driven by a current pulse, a second one
// driven through a synapse by the first, and an adaptive exponential cell driven by the pulse.
const std::string cells_model = R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafRefCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS"
            leakReversal="-70mV" refract="5ms"/>
    <adExIaFCell id="adex" C="281pF" gL="30nS" EL="-70.6mV" reset="-48.5mV" VT="-50.4mV"
            thresh="-40.4mV" refract="0ms" delT="2mV" tauw="144ms" a="4nS" b="0.0805nA"/>
    <pulseGenerator id="pulse" delay="5ms" duration="100ms" amplitude="1nA"/>
    <expOneSynapse id="syn" gbase="1nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="pre" component="iaf" size="1"/>
        <population id="post" component="iaf" size="1"/>
        <population id="ad" component="adex" size="1"/>
        <projection id="proj" presynapticPopulation="pre" postsynapticPopulation="post"
                synapse="syn">
            <connection id="0" preCellId="../pre[0]" postCellId="../post[0]"/>
        </projection>
        <explicitInput target="pre[0]" input="pulse"/>
        <explicitInput target="ad[0]" input="pulse"/>
    </network>
    <Simulation id="sim" length="100ms" step="0.1ms" target="net">
        <OutputFile id="f" fileName="v.dat">
            <OutputColumn id="v" quantity="post[0]/v"/>
        </OutputFile>
    </Simulation>
</Lems>
)";

// The exponential term of the adaptive exponential cell above, with the leak: what the compiler
// tabulates over v (in SI units).
double adex_leak_and_spike(double v) {
    const double g_l = 30e-9;
    const double e_l = -70.6e-3;
    const double v_t = -50.4e-3;
    const double delta_t = 2e-3;
    return -g_l * (v - e_l) + g_l * delta_t * std::exp((v - v_t) / delta_t);
}

// A board like spinn5 with as much table memory as a core can address, so that tables reach
// their error goal.
const std::string big_table_board = R"(<board name="bigtables" time_step="1 ms">
  <chips width="1" height="1" topology="mesh" cores="2" router_entries="64" link_bandwidth="1000"/>
  <core neurons="256" state_words_per_neuron="32" state_memory_words="8192"
        synaptic_memory_bytes="1000000" program_words="1024" constant_words="1024"
        lookup_table_words="1000000" weight_bits="16" delay_slots="16" input_channels="2"/>
</board>
)";

} // namespace

TEST_CASE("quantise: a membrane potential in volts gets a format using about 29 bits of its word",
          "[mapper][quantise]") {
    const compiled_model m = compile(cells_model);
    for (const std::string label : {"pre[0]", "post[0]", "ad[0]"}) {
        INFO(label);
        const int g = m.group(label);
        const int v = m.variable(g, "v");
        const auto& reported = m.reported(label, "v");
        const fixed_format f =
            m.out.groups[static_cast<std::size_t>(g)].format[static_cast<std::size_t>(v)];
        CHECK(f == reported.format);
        CHECK(reported.unit == "V");
        CHECK(reported.measured);
        const double magnitude = std::max(std::fabs(reported.low), std::fabs(reported.high));
        INFO("range " << reported.low << " .. " << reported.high << ", frac_bits " << f.frac_bits);
        // Resting and reset potentials near -70 mV and the threshold are in the range.
        CHECK(reported.low <= -0.0699);
        CHECK(reported.high >= (label == "ad[0]" ? -0.0405 : -0.0501));
        // Two bits of headroom above the range, and no more.
        CHECK(f.limit() >= 4.0 * magnitude);
        CHECK(significant_bits(magnitude, f) > 28.0);
        CHECK(significant_bits(magnitude, f) <= 29.0);
        CHECK(f.frac_bits == 32);
    }
}

TEST_CASE("quantise: currents and conductances get formats finer than 2^-31",
          "[mapper][quantise]") {
    const compiled_model m = compile(cells_model);
    const auto& syn = m.reported("post[0]", "synapses:syn[0]/g");
    CHECK(syn.unit == "S");
    CHECK(syn.high == Approx(1e-9).epsilon(1e-3));
    CHECK(syn.format.frac_bits > 50);
    CHECK(significant_bits(syn.high, syn.format) > 28.0);
    const auto& w = m.reported("ad[0]", "w");
    CHECK(w.unit == "A");
    CHECK(significant_bits(std::max(std::fabs(w.low), std::fabs(w.high)), w.format) > 28.0);
}

TEST_CASE("quantise: variables holding only 0 or 1 get frac_bits 0", "[mapper][quantise]") {
    const compiled_model m = compile(cells_model);
    int flags = 0;
    for (std::size_t g = 0; g < m.net.groups.size(); ++g) {
        const auto& group = m.net.groups[g];
        for (const auto& ve : m.out.report.groups[g].variables) {
            const bool flag = ve.name.rfind("guard", 0) == 0 || ve.name == "regime";
            if (!flag) {
                continue;
            }
            INFO(group.label << ": " << ve.name << " range " << ve.low << " .. " << ve.high);
            ++flags;
            CHECK(ve.format.frac_bits == 0);
            CHECK(ve.low >= 0.0);
            CHECK(ve.high <= 1.0);
            const int v = m.variable(static_cast<int>(g), ve.name);
            CHECK(m.out.groups[g].format[static_cast<std::size_t>(v)].frac_bits == 0);
        }
    }
    CHECK(flags >= 6);

    SECTION("a state variable of the user's own type set to 0 and 1") {
        const std::string text = R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <ComponentType name="toggle" extends="baseCell">
        <Parameter name="period" dimension="time"/>
        <Dynamics>
            <StateVariable name="up" dimension="none"/>
            <StateVariable name="clock" dimension="time"/>
            <TimeDerivative variable="clock" value="1"/>
            <OnCondition test="clock .gt. period">
                <StateAssignment variable="up" value="1"/>
            </OnCondition>
            <OnCondition test="clock .gt. 2 * period">
                <StateAssignment variable="up" value="0"/>
                <StateAssignment variable="clock" value="0"/>
            </OnCondition>
        </Dynamics>
    </ComponentType>
    <toggle id="t" period="3ms"/>
    <network id="net"><population id="p" component="t" size="1"/></network>
    <Simulation id="sim" length="20ms" step="0.1ms" target="net">
        <OutputFile id="f" fileName="up.dat"><OutputColumn id="u" quantity="p[0]/up"/></OutputFile>
    </Simulation>
</Lems>
)";
        const compiled_model t = compile(text);
        const auto& up = t.reported("p[0]", "up");
        INFO("up: range " << up.low << " .. " << up.high << ", frac_bits " << up.format.frac_bits);
        CHECK(up.low == 0.0);
        CHECK(up.high == 1.0);
        CHECK(up.format.frac_bits == 0);
        const auto& clock = t.reported("p[0]", "clock");
        CHECK(clock.unit == "s");
        CHECK(clock.format.frac_bits > 20);
    }
}

TEST_CASE("quantise: constants keep a tiny relative error", "[mapper][quantise]") {
    const compiled_model m = compile(cells_model);
    int constants = 0;
    for (const auto& e : m.out.report.groups) {
        for (const auto& p : e.parameters) {
            INFO(e.label << ": " << p.name << " = " << p.value << " -> " << p.quantised << " in 2^"
                         << -p.format.frac_bits);
            ++constants;
            CHECK_FALSE(p.saturated);
            CHECK_FALSE(p.underflowed);
            CHECK(p.relative_error() < 1e-6);
            CHECK(std::fabs(p.quantised - p.value) <= 0.5 * p.format.unit());
        }
    }
    CHECK(constants > 20);
    // Spot checks: the leak over the capacitance (10 nS / 1 nF = 1e4 per second, times the
    // step) and the time step itself.
    bool leak = false;
    for (const auto& p : m.entry("pre[0]").parameters) {
        leak = leak || p.value == Approx(1e-8);
    }
    CHECK(leak);
}

TEST_CASE("quantise: relative_error of a report entry", "[mapper][quantise]") {
    sf::mapper::parameter_entry p;
    p.value = 0.0;
    p.quantised = 0.0;
    CHECK(p.relative_error() == 0.0);
    p.quantised = 1e-30;
    CHECK(p.relative_error() == 1.0);
    p.value = -4.0;
    p.quantised = -3.0;
    CHECK(p.relative_error() == 0.25);
}

TEST_CASE("quantise: a compiled group's assembly reassembles to its program",
          "[mapper][quantise]") {
    const compiled_model m = compile(cells_model);
    REQUIRE(m.out.groups.size() == 3);
    for (const auto& g : m.out.groups) {
        const std::string& label = m.net.groups[static_cast<std::size_t>(g.group)].label;
        INFO(label << ":\n" << g.assembly);
        CHECK(sf::mapper::assemble(g.assembly, label) == g.program);
        for (const std::uint32_t word : g.program) {
            sf::firmware::isa::instruction decoded;
            CHECK(sf::firmware::isa::decode(word, decoded) == sf::firmware::isa::decode_status::ok);
        }
        CHECK(g.initial_state.size() ==
              static_cast<std::size_t>(g.state_words) *
                  m.net.groups[static_cast<std::size_t>(g.group)].members.size());
        CHECK(static_cast<int>(g.channel_unit.size()) == g.input_channels);
    }
}

// The largest difference between the core's interpolation in the adaptive exponential cell's
// table and the function, over the table's input range where the function fits the output
// format; optionally leaving out the intervals that end at a clamped sample.
struct table_probe {
    double largest_error = 0.0;
    double worst_v = 0.0;
    fixed_format output;
};

table_probe probe_adex_table(const compiled_model& m, bool next_to_clamped) {
    const int g = m.group("ad[0]");
    const auto& table = m.entry("ad[0]").tables.at(0);
    const auto& compiled = m.out.groups[static_cast<std::size_t>(g)];
    const auto& image = compiled.tables.at(0);
    const fixed_format in = compiled.format[static_cast<std::size_t>(m.variable(g, "v"))];
    // The output format is the one in which the largest unclamped sample holds the function.
    std::size_t largest = 0;
    for (std::size_t i = 0; i < image.samples.size(); ++i) {
        const std::int64_t raw = std::llabs(image.samples[i]);
        if (raw < INT32_MAX && raw > std::llabs(image.samples[largest])) {
            largest = i;
        }
    }
    const double x_largest = std::ldexp(static_cast<double>(image.x0) +
                                            std::ldexp(static_cast<double>(largest), image.step),
                                        -in.frac_bits);
    table_probe result;
    result.output = fixed_format{static_cast<int>(std::lround(
        std::log2(std::fabs(image.samples[largest] / adex_leak_and_spike(x_largest)))))};
    const sf::firmware::isa::lookup_table lut{image.x0, image.step, image.log2_intervals,
                                              image.samples.data()};
    const auto clamped = [&](std::int64_t i) {
        const std::int32_t y = image.samples[static_cast<std::size_t>(i)];
        return y == INT32_MAX || y == INT32_MIN;
    };
    const int probes = 200000;
    for (int p = 0; p <= probes; ++p) {
        const double v = table.low + (table.high - table.low) * p / probes;
        const double exact = adex_leak_and_spike(v);
        if (std::fabs(exact) > result.output.limit()) {
            continue; // clamped: counted in clamped_samples, not in max_error
        }
        const auto raw = static_cast<std::int32_t>(std::lround(std::ldexp(v, in.frac_bits)));
        const std::int64_t interval =
            std::min<std::int64_t>((std::int64_t{raw} - image.x0) >> image.step,
                                   (std::int64_t{1} << image.log2_intervals) - 1);
        if (!next_to_clamped && (clamped(interval) || clamped(interval + 1))) {
            continue;
        }
        sf::firmware::saturation_count saturations;
        const double core = std::ldexp(
            static_cast<double>(sf::firmware::isa::detail::look_up(lut, raw, saturations)),
            -result.output.frac_bits);
        if (std::fabs(core - exact) > result.largest_error) {
            result.largest_error = std::fabs(core - exact);
            result.worst_v = v;
        }
    }
    return result;
}

TEST_CASE("quantise: exp() becomes a lookup table with a small error", "[mapper][quantise]") {
    for (const bool big : {false, true}) {
        const compiled_model m =
            big ? compile(cells_model,
                          sf::mapper::load_board_text(big_table_board, "bigtables.xml"))
                : compile(cells_model);
        INFO((big ? "board with 1e6 table words" : "spinn5"));
        const int g = m.group("ad[0]");
        const auto& entry = m.entry("ad[0]");
        const auto& compiled = m.out.groups[static_cast<std::size_t>(g)];
        REQUIRE(entry.tables.size() == 1);
        REQUIRE(compiled.tables.size() == 1);
        const auto& table = entry.tables.front();
        const auto& image = compiled.tables.front();
        INFO(table.function << " over " << table.input << " in [" << table.low << ", " << table.high
                            << "]: " << table.samples << " samples, max error " << table.max_error
                            << " of " << table.output_range);
        CHECK_THAT(table.function, Catch::Contains("exp("));
        CHECK(table.input == "v");
        CHECK(table.samples == static_cast<int>(image.samples.size()));
        CHECK(image.samples.size() == (std::size_t{1} << image.log2_intervals) + 1);
        CHECK(entry.table_words == table.samples);
        // The table covers v from below rest to above the threshold.
        CHECK(table.low < -0.0706);
        CHECK(table.high > -0.0404);
        CHECK(table.output_range > 5e-9);
        // The largest error is in the interval next to the first clamped sample, above the
        // threshold, where the interpolation runs towards the clamped value.
        if (big) {
            CHECK(table.max_error <= 1e-4 * table.output_range);
        } else {
            CHECK(table.samples <= 2048);
            CHECK(table.max_error <= 1e-2 * table.output_range);
        }
        // The reported error is the core's: interpolate with the instruction set's lookup.
        const table_probe probe = probe_adex_table(m, false);
        INFO("output frac_bits " << probe.output.frac_bits << "; largest error seen "
                                 << probe.largest_error << " at v = " << probe.worst_v);
        CHECK(probe.largest_error <= 1.5 * table.max_error + 4.0 * probe.output.unit());
    }
}

// In the interval that ends at the first clamped sample the interpolation runs towards the
// clamped value; the reported max_error must include the error there.
TEST_CASE("quantise: a table's max_error covers the interval next to its clamped samples",
          "[mapper][quantise]") {
    const compiled_model m = compile(cells_model);
    const auto& table = m.entry("ad[0]").tables.at(0);
    REQUIRE(table.clamped_samples > 0);
    const table_probe probe = probe_adex_table(m, true);
    INFO("max error reported " << table.max_error << ", seen " << probe.largest_error
                               << " at v = " << probe.worst_v);
    CHECK(probe.largest_error <= 1.5 * table.max_error + 4.0 * probe.output.unit());
}
