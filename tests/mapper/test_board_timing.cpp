// A board's <timing> element: every attribute read with its unit, the defaults when it is left
// out, the project's boards' numbers, and every way it can be wrong refused at its line.
#include <string>
#include <typeinfo>

#include <catch2/catch.hpp>

#include <sf/firmware/timing.hpp>
#include <sf/mapper/board.hpp>
#include <sf/mapper/board_join.hpp>
#include <sf/mapper/board_loader.hpp>

namespace {

using sf::firmware::timing::board_timing;
using sf::mapper::board_error;
using sf::mapper::load_board_text;

// A board file with <timing> on line 6 when `timing` is not empty (attributes, or the whole
// element when it starts with '<'), and `extra` after it.
std::string text(const std::string& timing, const std::string& extra = "") {
    std::string element;
    if (!timing.empty()) {
        element = timing.front() == '<' ? timing : "<timing " + timing + "/>";
    }
    return R"(<board name="t" time_step="1 ms">
<chips width="2" height="1" topology="mesh" cores="2" router_entries="8" link_bandwidth="100"/>
<core neurons="4" state_words_per_neuron="1" state_memory_words="4" synaptic_memory_bytes="0"
      program_words="8" constant_words="0" lookup_table_words="0" weight_bits="8" delay_slots="1"
      input_channels="1"/>
)" + element +
           "\n" + extra + "</board>\n";
}

board_timing timing_of(const std::string& attributes) {
    return load_board_text(text(attributes), "b.xml").timing;
}

void check_refused(const std::string& board_text, int line, const std::string& element,
                   const std::string& message) {
    try {
        load_board_text(board_text, "b.xml");
        FAIL("loaded: " << board_text);
    } catch (const board_error& e) {
        INFO(e.what());
        CHECK(typeid(e) == typeid(board_error));
        CHECK(e.line() == line);
        CHECK(e.element() == element);
        CHECK_THAT(e.message(), Catch::Contains(message));
        CHECK_THAT(std::string(e.what()),
                   Catch::StartsWith("b.xml:" + std::to_string(line) + ": " + element + ": "));
    }
}

void check_attribute_refused(const std::string& attribute, const std::string& message) {
    check_refused(text(attribute), 6, "timing", message);
}

void check_same(const board_timing& a, const board_timing& b) {
    CHECK(a.core_hz == b.core_hz);
    CHECK(a.router_hz == b.router_hz);
    CHECK(a.analog_neurons == b.analog_neurons);
    CHECK(a.tick_cycles == b.tick_cycles);
    CHECK(a.neuron_cycles == b.neuron_cycles);
    CHECK(a.spike_cycles == b.spike_cycles);
    CHECK(a.packet_cycles == b.packet_cycles);
    CHECK(a.word_cycles == b.word_cycles);
    CHECK(a.rand_cycles == b.rand_cycles);
    CHECK(a.memory_latency_ns == b.memory_latency_ns);
    CHECK(a.memory_bytes_per_second == b.memory_bytes_per_second);
    CHECK(a.pipeline_stages == b.pipeline_stages);
    CHECK(a.input_fifo == b.input_fifo);
    CHECK(a.output_fifo == b.output_fifo);
    CHECK(a.wait1_cycles == b.wait1_cycles);
    CHECK(a.wait2_cycles == b.wait2_cycles);
    CHECK(a.link_latency_ns == b.link_latency_ns);
    CHECK(a.reinjection_queue == b.reinjection_queue);
    CHECK(a.reinjection_cycles == b.reinjection_cycles);
}

// spinn5's numbers, which are also board_timing's defaults.
board_timing spinn5_timing() {
    board_timing t;
    t.core_hz = 200'000'000;
    t.router_hz = 133'000'000;
    t.analog_neurons = false;
    t.tick_cycles = 400;
    t.neuron_cycles = 10;
    t.spike_cycles = 16;
    t.packet_cycles = 40;
    t.word_cycles = 8;
    t.rand_cycles = 3;
    t.memory_latency_ns = 300;
    t.memory_bytes_per_second = 1'000'000'000;
    t.pipeline_stages = 5;
    t.input_fifo = 8;
    t.output_fifo = 4;
    t.wait1_cycles = 240;
    t.wait2_cycles = 240;
    t.link_latency_ns = 0;
    t.reinjection_queue = 4096;
    t.reinjection_cycles = 200;
    return t;
}

} // namespace

TEST_CASE("board timing: a board without <timing> has the defaults", "[mapper][board_timing]") {
    const board_timing t = timing_of("");
    check_same(t, board_timing{});
    check_same(t, spinn5_timing());
    check_same(timing_of(" "), board_timing{});
}

TEST_CASE("board timing: every attribute is read", "[mapper][board_timing]") {
    const board_timing t = timing_of(
        R"(core_clock="1 GHz" router_clock="500 kHz" neurons="analog" tick_cycles="1" )"
        R"(neuron_cycles="2" spike_cycles="3" packet_cycles="4" word_cycles="5" rand_cycles="6" )"
        R"(memory_latency="7 ns" memory_bandwidth="8" router_pipeline="9" input_fifo="10" )"
        R"(output_fifo="11" wait1="12" wait2="13" link_latency="14 ns" reinjection_queue="15" )"
        R"(reinjection_cycles="16")");
    CHECK(t.core_hz == 1'000'000'000);
    CHECK(t.router_hz == 500'000);
    CHECK(t.analog_neurons);
    CHECK(t.tick_cycles == 1);
    CHECK(t.neuron_cycles == 2);
    CHECK(t.spike_cycles == 3);
    CHECK(t.packet_cycles == 4);
    CHECK(t.word_cycles == 5);
    CHECK(t.rand_cycles == 6);
    CHECK(t.memory_latency_ns == 7);
    CHECK(t.memory_bytes_per_second == 8);
    CHECK(t.pipeline_stages == 9);
    CHECK(t.input_fifo == 10);
    CHECK(t.output_fifo == 11);
    CHECK(t.wait1_cycles == 12);
    CHECK(t.wait2_cycles == 13);
    CHECK(t.link_latency_ns == 14);
    CHECK(t.reinjection_queue == 15);
    CHECK(t.reinjection_cycles == 16);
}

TEST_CASE("board timing: an attribute left out keeps its default", "[mapper][board_timing]") {
    board_timing expected;
    expected.wait2_cycles = 0;
    check_same(timing_of(R"(wait2="0")"), expected);
    expected = board_timing{};
    expected.core_hz = 100'000'000;
    check_same(timing_of(R"(core_clock="100 MHz")"), expected);
}

TEST_CASE("board timing: clocks and delays with their units", "[mapper][board_timing]") {
    CHECK(timing_of(R"(core_clock="200 MHz")").core_hz == 200'000'000);
    CHECK(timing_of(R"(core_clock="133MHz")").core_hz == 133'000'000);
    CHECK(timing_of(R"(core_clock="250  MHz")").core_hz == 250'000'000);
    CHECK(timing_of(R"(core_clock="1 GHz")").core_hz == 1'000'000'000);
    CHECK(timing_of(R"(core_clock="500 kHz")").core_hz == 500'000);
    CHECK(timing_of(R"(core_clock="1000 Hz")").core_hz == 1'000);
    CHECK(timing_of(R"(core_clock="1 kHz")").core_hz == 1'000);
    CHECK(timing_of(R"(core_clock="100 GHz")").core_hz == 100'000'000'000);
    CHECK(timing_of(R"(core_clock="1.5 GHz")").core_hz == 1'500'000'000);
    CHECK(timing_of(R"(core_clock="133.25 MHz")").core_hz == 133'250'000);
    CHECK(timing_of(R"(core_clock="0.5 MHz")").core_hz == 500'000);
    CHECK(timing_of(R"(core_clock="2.000000000000000000000 GHz")").core_hz == 2'000'000'000);
    CHECK(timing_of(R"(core_clock="0002 kHz")").core_hz == 2'000);
    CHECK(timing_of(R"(router_clock="125 MHz")").router_hz == 125'000'000);
    CHECK(timing_of(R"(memory_latency="300 ns")").memory_latency_ns == 300);
    CHECK(timing_of(R"(memory_latency="1.5 us")").memory_latency_ns == 1'500);
    CHECK(timing_of(R"(memory_latency="0 ns")").memory_latency_ns == 0);
    CHECK(timing_of(R"(memory_latency="1000000 us")").memory_latency_ns == 1'000'000'000);
    CHECK(timing_of(R"(link_latency="300ns")").link_latency_ns == 300);
    CHECK(timing_of(R"(link_latency="2 us")").link_latency_ns == 2'000);
}

TEST_CASE("board timing: the project's boards", "[mapper][board_timing]") {
    check_same(sf::mapper::find_board("spinn5").timing, spinn5_timing());

    board_timing bss2 = spinn5_timing();
    bss2.core_hz = 125'000'000;
    bss2.router_hz = 125'000'000;
    bss2.analog_neurons = true;
    bss2.tick_cycles = 0;
    bss2.neuron_cycles = 0;
    bss2.spike_cycles = 1;
    bss2.packet_cycles = 1;
    bss2.word_cycles = 0;
    bss2.memory_latency_ns = 0;
    bss2.memory_bytes_per_second = 1'000'000'000'000;
    bss2.pipeline_stages = 2;
    bss2.input_fifo = 16;
    bss2.output_fifo = 16;
    bss2.wait1_cycles = 0;
    bss2.wait2_cycles = 64;
    bss2.link_latency_ns = 300;
    bss2.reinjection_queue = 0;
    bss2.reinjection_cycles = 1;
    check_same(sf::mapper::find_board("bss2").timing, bss2);

    board_timing tiny = spinn5_timing();
    tiny.core_hz = 10'000'000;
    tiny.router_hz = 10'000'000;
    check_same(sf::mapper::find_board("tiny").timing, tiny);
}

TEST_CASE("board timing: joined boards keep the board's timing", "[mapper][board_timing]") {
    const sf::mapper::board tiny = sf::mapper::find_board("tiny");
    check_same(sf::mapper::join(tiny, 3).timing, tiny.timing);
    check_same(sf::mapper::find_board("spinn5 x 2").timing, spinn5_timing());
}

TEST_CASE("board timing: clocks with a bad unit, out of range or not whole are refused",
          "[mapper][board_timing]") {
    check_attribute_refused(R"(core_clock="200")",
                            "attribute 'core_clock' needs a unit: Hz, kHz, MHz or GHz (as in "
                            "\"200 MHz\"), not '200'");
    check_attribute_refused(R"(core_clock="200 mhz")", "needs a unit");
    check_attribute_refused(R"(router_clock="1 THz")", "attribute 'router_clock' needs a unit");
    check_attribute_refused(R"(core_clock="200 MHz ")", "needs a unit");
    check_attribute_refused(R"(core_clock="1e3 MHz")", "needs a unit");
    check_attribute_refused(R"(core_clock="fast")", "attribute 'core_clock' must be a number with "
                                                    "a unit (Hz, kHz, MHz or GHz), not 'fast'");
    check_attribute_refused(R"(core_clock="")", "must be a number with a unit");
    check_attribute_refused(R"(core_clock="-200 MHz")", "must be a number with a unit");
    check_attribute_refused(R"(core_clock=" 200 MHz")", "must be a number with a unit");
    check_attribute_refused(R"(core_clock=". MHz")", "must be a number with a unit");
    check_attribute_refused(R"(core_clock="999 Hz")",
                            "attribute 'core_clock' must be 1 kHz to 100 GHz, not '999 Hz'");
    check_attribute_refused(R"(core_clock="0 MHz")", "must be 1 kHz to 100 GHz");
    check_attribute_refused(R"(router_clock="100.000000001 GHz")",
                            "attribute 'router_clock' must be 1 kHz to 100 GHz");
    check_attribute_refused(R"(core_clock="101 GHz")", "must be 1 kHz to 100 GHz");
    check_attribute_refused(R"(core_clock="99999999999999999999999 GHz")",
                            "must be 1 kHz to 100 GHz");
    check_attribute_refused(R"(core_clock="1000.5 Hz")",
                            "attribute 'core_clock' must be a whole number of Hz, not '1000.5 Hz'");
    check_attribute_refused(R"(core_clock="1.0000001 kHz")", "must be a whole number of Hz");
    check_attribute_refused(R"(core_clock="1.00000000000000000000001 GHz")",
                            "must be a whole number of Hz");
}

TEST_CASE("board timing: delays with a bad unit, out of range or not whole are refused",
          "[mapper][board_timing]") {
    check_attribute_refused(R"(memory_latency="300")",
                            "attribute 'memory_latency' needs a unit: ns or us (as in \"300 ns\"), "
                            "not '300'");
    check_attribute_refused(R"(link_latency="1 ms")", "attribute 'link_latency' needs a unit");
    check_attribute_refused(R"(memory_latency="soon")",
                            "attribute 'memory_latency' must be a number with a unit (ns or us)");
    check_attribute_refused(R"(memory_latency="1000001 us")",
                            "attribute 'memory_latency' must be 0 to 1000000000 ns, not "
                            "'1000001 us'");
    check_attribute_refused(R"(link_latency="1000000001 ns")", "must be 0 to 1000000000 ns");
    check_attribute_refused(R"(link_latency="0.5 ns")",
                            "attribute 'link_latency' must be a whole number of ns");
    check_attribute_refused(R"(memory_latency="0.0005 us")", "must be a whole number of ns");
}

TEST_CASE("board timing: whole numbers out of range or not numbers are refused",
          "[mapper][board_timing]") {
    struct limits {
        const char* name;
        const char* low;
        const char* high;
        const char* below;
        const char* above;
    };
    const limits all[] = {
        {"tick_cycles", "0", "1000000", "-1", "1000001"},
        {"neuron_cycles", "0", "1000000", "-1", "1000001"},
        {"spike_cycles", "0", "1000000", "-1", "1000001"},
        {"packet_cycles", "0", "1000000", "-1", "1000001"},
        {"word_cycles", "0", "1000000", "-1", "1000001"},
        {"rand_cycles", "1", "64", "0", "65"},
        {"memory_bandwidth", "1", "1000000000000", "0", "1000000000001"},
        {"router_pipeline", "1", "64", "0", "65"},
        {"input_fifo", "1", "1024", "0", "1025"},
        {"output_fifo", "1", "1024", "0", "1025"},
        {"wait1", "0", "1000000", "-1", "1000001"},
        {"wait2", "0", "1000000", "-1", "1000001"},
        {"reinjection_queue", "0", "1048576", "-1", "1048577"},
        {"reinjection_cycles", "1", "1000000", "0", "1000001"},
    };
    for (const limits& l : all) {
        INFO(l.name);
        const std::string name = l.name;
        const std::string range = std::string(l.low) + " to " + l.high;
        // Both ends load.
        load_board_text(text(name + "=\"" + l.low + "\""), "b.xml");
        load_board_text(text(name + "=\"" + l.high + "\""), "b.xml");
        check_attribute_refused(name + "=\"" + l.below + "\"",
                                "attribute '" + name + "' must be " + range + ", not " + l.below);
        check_attribute_refused(name + "=\"" + l.above + "\"",
                                "attribute '" + name + "' must be " + range + ", not " + l.above);
        check_attribute_refused(name + "=\"many\"", "attribute '" + name +
                                                        "' must be a whole number (" + range +
                                                        "), not 'many'");
        check_attribute_refused(name + "=\"2.5\"", "must be a whole number");
        check_attribute_refused(name + "=\"\"", "must be a whole number");
    }
    check_attribute_refused(R"(memory_bandwidth="1 GB/s")", "must be a whole number");
}

TEST_CASE("board timing: neurons is program or analog", "[mapper][board_timing]") {
    CHECK_FALSE(timing_of(R"(neurons="program")").analog_neurons);
    CHECK(timing_of(R"(neurons="analog")").analog_neurons);
    check_attribute_refused(R"(neurons="digital")",
                            "attribute 'neurons' must be program or analog, not 'digital'");
    check_attribute_refused(R"(neurons="Analog")", "must be program or analog");
    check_attribute_refused(R"(neurons="")", "must be program or analog");
}

TEST_CASE("board timing: unknown and repeated attributes are refused", "[mapper][board_timing]") {
    check_attribute_refused(R"(clock="200 MHz")",
                            "unknown attribute 'clock'; expected core_clock, router_clock, "
                            "neurons, tick_cycles");
    check_attribute_refused(R"(core_clock="200 MHz" core_clock="100 MHz")",
                            "attribute 'core_clock' is given twice");
}

TEST_CASE("board timing: <timing> is given once, holds no elements and no text",
          "[mapper][board_timing]") {
    check_refused(text(R"(wait1="1")", "<timing wait1=\"2\"/>\n"), 7, "timing",
                  "<timing> is given twice (first at line 6)");
    check_refused(text("<timing><clock/></timing>"), 6, "clock",
                  "unknown element inside <timing>; it has attributes only");
    check_refused(text("<timing>\n  fast\n</timing>"), 7, "timing", "unexpected text 'fast'");
    check_refused(text("<clocks/>"), 6, "clocks",
                  "unknown element inside <board>; expected <chips>, <core> or <timing>");
}
