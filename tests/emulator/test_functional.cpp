// The functional emulator (sf/emulator/functional.hpp): a board image run chip by chip gives the
// single-host fixed-point run's files bit for bit, on conformance examples and on random networks
// whose packets cross many chips; its routers count every packet; a damaged or inconsistent image
// is refused with a problem naming where.
#include <cstring>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/functional.hpp>
#include <sf/lems/recordings.hpp>
#include <sf/mapper/routing_table.hpp>

#include "emulator_support.hpp"
#include "fixed_backend.hpp"
#include "random_networks.hpp"

namespace {

using namespace sf::emulator::test;
namespace mapper = sf::mapper;
namespace image = sf::firmware::image;
using sf::emulator::functional_emulator;
using sf::lems::test::entries_of;
using sf::lems::test::read_text;

std::string normal(const fs::path& p) { return p.lexically_normal().generic_string(); }

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The router counters of every chip add up, and nothing was lost on the way.
void check_counters(const functional_emulator& e) {
    const sf::emulator::functional_counters c = e.counters();
    for (std::size_t chip = 0; chip < e.chip_count(); ++chip) {
        const sf::emulator::router_counters& r = e.router(chip);
        INFO("chip " << chip);
        CHECK(r.packets == r.routed + r.default_routed + r.dropped);
    }
    CHECK(c.routers.dropped == 0);
    CHECK(c.routers.lost == 0);
    CHECK(c.unmatched_keys == 0);
    CHECK(c.looped == 0);
    CHECK(c.cores.dropped_words == 0);
    CHECK(c.routers.packets == c.routers.routed + c.routers.default_routed + c.routers.dropped);
}

struct comparison {
    sf::cli::fixed_run_summary fixed;
    mapper::mapped_network mapped;
    sf::emulator::functional_counters counters;
    std::uint64_t sent = 0; // spikes of cores whose spikes some core receives
};

// Runs `model` with run_fixed and, mapped onto `machine`, on the functional emulator; checks that
// both record the same rows and spikes, bit for bit, and write the same files byte for byte.
comparison compare_with_fixed(const sf::lems::model& model, const mapper::board& machine) {
    comparison result;
    sf::cli::fixed_run_options options;
    options.output_dir = ".";
    result.fixed = sf::cli::run_fixed(model, machine, options);
    result.mapped = mapper::map_network(flatten_here(model), machine, quick_options());
    const std::vector<std::uint32_t> words = mapper::encode_image(result.mapped);
    functional_emulator e(words.data(), words.size());
    INFO(e.problem());
    REQUIRE(e.ready());
    CHECK(e.steps() == static_cast<std::uint64_t>(result.fixed.steps));
    CHECK(e.dt() == result.fixed.dt);
    CHECK(e.core_count() == result.mapped.cores.size());
    CHECK(e.chip_count() == result.mapped.tables.size());
    e.run(e.steps());

    // Traces: every row, every column, the same float.
    const auto& fixed_traces = result.fixed.traces;
    REQUIRE(e.traces().size() == fixed_traces.size());
    for (std::size_t f = 0; f < fixed_traces.size(); ++f) {
        const auto& ours = e.traces()[f];
        const auto& theirs = fixed_traces[f];
        INFO("trace file " << theirs.path.string());
        CHECK(ours.path == normal(theirs.path));
        CHECK(ours.columns == theirs.columns);
        REQUIRE(ours.rows.size() == theirs.rows.size());
        CHECK(ours.rows.size() == (result.fixed.steps + 1) * (theirs.columns + 1));
        std::size_t differ = 0;
        std::size_t first = 0;
        for (std::size_t k = 0; k < ours.rows.size(); ++k) {
            if (!same_bits(ours.rows[k], theirs.rows[k])) {
                first = differ == 0 ? k : first;
                ++differ;
            }
        }
        INFO(differ << " values differ, the first in row " << (first / (theirs.columns + 1))
                    << ", column " << (first % (theirs.columns + 1)));
        CHECK(differ == 0);
    }
    // Spikes: every one, at the same time, in the same order.
    REQUIRE(e.events().size() == result.fixed.events.size());
    for (std::size_t f = 0; f < result.fixed.events.size(); ++f) {
        const auto& ours = e.events()[f];
        const auto& theirs = result.fixed.events[f];
        INFO("spike file " << theirs.path.string());
        CHECK(ours.path == normal(theirs.path));
        CHECK(ours.id_first == theirs.id_first);
        CHECK(ours.events.size() == theirs.events.size());
        CHECK(ours.events == theirs.events);
    }
    // The files, written as each backend's command writes them.
    temp_folder files("sf_test_functional");
    std::vector<sf::lems::recorded_trace> traces[2];
    std::vector<sf::lems::recorded_events> events[2];
    for (std::size_t f = 0; f < fixed_traces.size(); ++f) {
        traces[0].push_back({files.path() / "fixed" / fixed_traces[f].path, fixed_traces[f].columns,
                             fixed_traces[f].rows});
        traces[1].push_back({files.path() / "functional" / e.traces()[f].path,
                             e.traces()[f].columns, e.traces()[f].rows});
    }
    for (std::size_t f = 0; f < result.fixed.events.size(); ++f) {
        const auto& x = result.fixed.events[f];
        events[0].push_back({files.path() / "fixed" / x.path, x.id_first, x.events});
        events[1].push_back({files.path() / "functional" / e.events()[f].path,
                             e.events()[f].id_first, e.events()[f].events});
    }
    sf::lems::write_recordings(traces[0], events[0]);
    sf::lems::write_recordings(traces[1], events[1]);
    const std::vector<std::string> names = entries_of(files.path() / "fixed");
    CHECK(entries_of(files.path() / "functional") == names);
    for (const std::string& name : names) {
        if (fs::is_regular_file(files.path() / "fixed" / name)) {
            INFO(name);
            CHECK(read_text(files.path() / "functional" / name) ==
                  read_text(files.path() / "fixed" / name));
        }
    }

    // The cores did what run_fixed's cores did.
    result.counters = e.counters();
    CHECK(result.counters.cores.spikes == result.fixed.spikes);
    CHECK(result.counters.cores.delivered_words == result.fixed.synaptic_events);
    CHECK(result.counters.cores.saturations == result.fixed.saturations);
    CHECK(result.counters.cores.input_overflows == result.fixed.input_overflows);
    CHECK(result.counters.cores.program_faults == result.fixed.program_faults);
    check_counters(e);
    for (std::size_t k = 0; k < result.mapped.cores.size(); ++k) {
        result.sent += result.mapped.cores[k].sends ? e.core(k).counters().spikes : 0;
    }
    // Each sent spike enters its chip's router once; every further packet crossed a link.
    CHECK(result.counters.routers.packets >= result.sent);
    return result;
}

void compare_example(const std::string& example) {
    const auto corpus = corpus_dir();
    if (!corpus) {
        FAIL(corpus_missing());
    }
    const fs::path file = *corpus / "derived" / (example + ".ref.xml");
    REQUIRE(fs::is_regular_file(file));
    const sf::lems::model model = sf::lems::load_model({file});
    const comparison c = compare_with_fixed(model, mapper::find_board("spinn5"));
    INFO(example << ": " << c.fixed.spikes << " spikes, " << c.fixed.synaptic_events
                 << " synaptic events");
    CHECK(c.fixed.spikes > 0);
    if (example == "LEMS_NML2_Ex12_Net2") {
        // Delays of 10 and 15 ms at 0.005 ms steps: 2000 and 3000 steps, held beyond the rings.
        CHECK(c.counters.held_rows > 0);
        CHECK(c.fixed.held_words > 0);
    }
}

} // namespace

TEST_CASE("functional: conformance examples give run_fixed's files bit for bit",
          "[emulator][functional]") {
    for (const char* example :
         {"LEMS_NML2_Ex0_IaF", "LEMS_NML2_Ex2_Izh", "LEMS_NML2_Ex8_AdEx", "LEMS_NML2_Ex12_Net2",
          "LEMS_NML2_Ex13_Instances", "LEMS_NML2_Ex21_CurrentBasedSynapses"}) {
        SECTION(example) { compare_example(example); }
    }
}

TEST_CASE("functional: a long conformance example gives run_fixed's files bit for bit",
          "[emulator][functional][.slow]") {
    compare_example(
        "LEMS_NML2_Ex27_MultiSynapses"); // about 10 s: most of it measuring value ranges
}

namespace {

void compare_random(const mapper::board& machine, std::uint32_t seed) {
    temp_folder dir("sf_test_functional");
    std::cout << "functional random network: seed " << seed << "\n";
    INFO("seed " << seed);
    const sf::lems::model model = load_text(dir, "random.xml", random_network(seed, 24, 30));
    const comparison c = compare_with_fixed(model, machine);
    INFO(c.fixed.spikes << " spikes, " << c.sent << " sent, " << c.counters.routers.packets
                        << " packets, " << c.counters.routers.default_routed
                        << " by default route, " << c.counters.held_rows << " rows held");
    CHECK(c.mapped.report.chips_used >= 5);
    CHECK(c.fixed.spikes > 150);
    CHECK(c.counters.routers.packets > 2 * c.sent); // most spikes cross chips
    CHECK(c.counters.held_rows > 0);                // delays beyond the 16-slot ring
    CHECK(c.counters.routers.delivered > c.sent);
}

} // namespace

TEST_CASE("functional: random networks over many chips give run_fixed's files bit for bit",
          "[emulator][functional]") {
    for (const board_case& b : random_boards()) {
        SECTION(b.name) {
            for (const std::uint32_t seed : {11u, 12u}) {
                compare_random(b.machine, seed);
            }
        }
    }
}

TEST_CASE("functional: more random networks over many chips", "[emulator][functional][.slow]") {
    for (const board_case& b : random_boards()) {
        SECTION(b.name) {
            for (std::uint32_t seed = 100; seed < 115; ++seed) {
                compare_random(b.machine, seed);
            }
        }
    }
}

// ---- routers -----------------------------------------------------------------------------------

namespace {

// A spike source and two cells it drives, one after 3 steps and one after 25 (a hold of 9 on the
// 16-slot ring), on a line of four chips of one core each.
const std::string line_model = lems_with_core_types(
    R"(    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <spikeGenerator id="gen" period="2ms"/>
    <expOneSynapse id="syn" gbase="100nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="src" component="gen" size="1"/>
        <population id="cells" component="iaf" size="2"/>
        <projection id="drive" presynapticPopulation="src" postsynapticPopulation="cells" synapse="syn">
            <connectionWD id="0" preCellId="../src[0]" postCellId="../cells[0]" weight="1" delay="0.3ms"/>
            <connectionWD id="1" preCellId="../src[0]" postCellId="../cells[1]" weight="2" delay="2.5ms"/>
        </projection>
    </network>
    <Simulation id="sim" length="29.9ms" step="0.1ms" target="net">
        <OutputFile id="volts" fileName="volts.dat">
            <OutputColumn id="v0" quantity="cells[0]/v"/>
            <OutputColumn id="v1" quantity="cells[1]/v"/>
        </OutputFile>
        <EventOutputFile id="spikes" fileName="spikes.dat" format="TIME_ID">
            <EventSelection id="0" select="cells[0]" eventPort="spike"/>
            <EventSelection id="1" select="cells[1]" eventPort="spike"/>
        </EventOutputFile>
    </Simulation>
)");

constexpr std::uint32_t east = mapper::link_bit(mapper::direction::east);
constexpr std::uint32_t west = mapper::link_bit(mapper::direction::west);

// The line model with the source on chip (0,0) and the cells on chip (3,0), routed by hand: the
// source's chip sends its packets east, the chips between have no entry (default route), the
// last chip delivers them to its core.
struct line {
    temp_folder dir{"sf_test_functional"};
    mapper::mapped_network m;
    std::size_t source = 0; // core of the source
    std::size_t cells = 0;  // core of the cells
    mapper::key_space keys;

    line() {
        m = map_text(dir, line_model, inline_board(4, 1, "mesh", 1, 2));
        REQUIRE(m.cores.size() == 2);
        source = m.group_labels[static_cast<std::size_t>(m.cores[0].group)] == "src[0]" ? 0 : 1;
        cells = 1 - source;
        m.cores[source].where = {{0, 0}, 0};
        m.cores[cells].where = {{3, 0}, 0};
        keys = m.cores[source].keys;
        REQUIRE(m.tables.size() == 4);
        for (auto& t : m.tables) {
            t.entries.clear();
        }
        m.tables[0].entries = {{keys.key, keys.mask, east}};
        m.tables[3].entries = {{keys.key, keys.mask, mapper::core_bit(0)}};
    }
};

struct line_run {
    std::vector<std::uint32_t> words;
    std::unique_ptr<functional_emulator> e;
    std::uint64_t sent = 0;
    std::uint64_t received = 0; // words delivered into the cells' rings
};

line_run run_line(const line& l) {
    line_run r;
    r.words = mapper::encode_image(l.m);
    r.e = std::make_unique<functional_emulator>(r.words.data(), r.words.size());
    INFO(r.e->problem());
    REQUIRE(r.e->ready());
    r.e->run(r.e->steps());
    r.sent = r.e->core(l.source).counters().spikes;
    r.received = r.e->core(l.cells).counters().delivered_words;
    CHECK(r.sent ==
          14); // the last one's held row (a hold of 24 steps, 1 in the ring) arrives before the end
    return r;
}

} // namespace

TEST_CASE("functional: routers take the first matching entry and route the rest straight on",
          "[emulator][functional][router]") {
    line l;
    SECTION("the hand-made routes deliver as the mapper's do") {
        const line_run r = run_line(l);
        CHECK(r.received == 2 * r.sent);
        CHECK(r.e->router(0).routed == r.sent);
        CHECK(r.e->router(1).default_routed == r.sent);
        CHECK(r.e->router(2).default_routed == r.sent);
        CHECK(r.e->router(3).routed == r.sent);
        CHECK(r.e->router(3).delivered == r.sent);
        check_counters(*r.e);
        // The same spikes and potentials as the mapper's own image of the model.
        const std::vector<std::uint32_t> mapped =
            mapper::encode_image(map_text(l.dir, line_model, l.m.machine));
        functional_emulator e(mapped.data(), mapped.size());
        e.run(e.steps());
        REQUIRE(e.traces().size() == 1);
        CHECK(e.traces()[0].rows == r.e->traces()[0].rows);
        CHECK(e.events()[0].events == r.e->events()[0].events);
        CHECK_FALSE(e.events()[0].events.empty());
    }
    SECTION("the first matching entry wins") {
        l.m.tables[1].entries = {{l.keys.key, l.keys.mask, east}, {l.keys.key, l.keys.mask, west}};
        const line_run r = run_line(l);
        CHECK(r.received == 2 * r.sent);
        CHECK(r.e->router(1).routed == r.sent);
        check_counters(*r.e);
    }
    SECTION("an entry whose mask leaves the neuron bits out matches every neuron of the source") {
        l.m.tables[0].entries = {{l.keys.key & 0xFFFF0000u, 0xFFFF0000u, east}};
        const line_run r = run_line(l);
        CHECK(r.received == 2 * r.sent);
        check_counters(*r.e);
    }
}

TEST_CASE("functional: routers count what they drop and what loops",
          "[emulator][functional][router]") {
    line l;
    SECTION("a packet from a core that matches no entry is dropped") {
        l.m.tables[0].entries.clear();
        const line_run r = run_line(l);
        CHECK(r.received == 0);
        CHECK(r.e->router(0).packets == r.sent);
        CHECK(r.e->router(0).dropped == r.sent);
        CHECK(r.e->counters().routers.packets == r.sent);
    }
    SECTION("a default route onto a dead link") {
        for (mapper::link& link : l.m.machine.links) {
            if (link.from == mapper::chip_coordinates{2, 0} &&
                link.heading == mapper::direction::east) {
                link.available = false;
            }
        }
        const line_run r = run_line(l);
        CHECK(r.received == 0);
        CHECK(r.e->router(2).default_routed == r.sent);
        CHECK(r.e->router(2).lost == r.sent);
        CHECK(r.e->router(3).packets == 0);
    }
    SECTION("a route off the grid") {
        l.m.tables[3].entries = {{l.keys.key, l.keys.mask, mapper::core_bit(0) | east}};
        const line_run r = run_line(l);
        CHECK(r.received == 2 * r.sent);
        CHECK(r.e->router(3).routed == r.sent);
        CHECK(r.e->router(3).lost == r.sent);
    }
    SECTION("a route to an application core the chip has not") {
        l.m.tables[3].entries = {
            {l.keys.key, l.keys.mask, mapper::core_bit(0) | mapper::core_bit(25)}};
        const line_run r = run_line(l);
        CHECK(r.received == 2 * r.sent);
        CHECK(r.e->router(3).delivered == r.sent);
        CHECK(r.e->router(3).lost == r.sent);
    }
    SECTION("a key no master table takes") {
        l.m.tables[0].entries = {
            {l.keys.key, l.keys.mask, east | mapper::core_bit(0)}}; // back to the source
        const line_run r = run_line(l);
        CHECK(r.received == 2 * r.sent);
        CHECK(r.e->counters().unmatched_keys == r.sent);
        CHECK(r.e->counters().routers.delivered == 2 * r.sent);
    }
    SECTION("a loop between two chips is cut where it comes back") {
        l.m.tables[1].entries = {{l.keys.key, l.keys.mask, west}};
        const line_run r = run_line(l);
        CHECK(r.received == 0);
        CHECK(r.e->counters().looped == r.sent);
        // Chip 0, chip 1, and chip 0 again, where the copy is stopped.
        CHECK(r.e->counters().routers.packets == r.sent * 3);
    }
    SECTION("routes that branch back and forth cost one visit per chip") {
        for (auto& table : l.m.tables) {
            table.entries = {{l.keys.key, l.keys.mask, east | west}};
        }
        const line_run r = run_line(l);
        CHECK(r.received == 0);
        // Each chip routes a spike once and is reached once more from each neighbour it sent to.
        CHECK(r.e->counters().routers.routed == r.sent * 4);
        CHECK(r.e->counters().looped == r.sent * 3);
    }
}

// ---- refusals ----------------------------------------------------------------------------------

namespace {

const std::vector<std::uint32_t>& hex_image() {
    static const temp_folder dir("sf_test_functional");
    static const std::vector<std::uint32_t> words =
        mapper::encode_image(map_text(dir, small_model, small_hex_board()));
    return words;
}

// The word offset of a core section's payload.
std::size_t core_payload(const std::vector<std::uint32_t>& words, std::uint32_t index) {
    return section_starts(words).at(section_of(words, image::section_kind::core, index)) +
           image::section_header_words;
}

void check_refused(const std::vector<std::uint32_t>& words, const std::string& problem) {
    functional_emulator e(words.data(), words.size());
    CHECK_FALSE(e.ready());
    CHECK(e.problem() == problem);
    // Nothing runs.
    e.run(10);
    e.step();
    CHECK(e.counters().cores.steps == 0);
    for (const auto& t : e.traces()) {
        CHECK(t.rows.empty());
    }
}

} // namespace

TEST_CASE("functional: a damaged image is refused naming the section and word",
          "[emulator][functional][refusal]") {
    std::vector<std::uint32_t> w = hex_image();
    const std::size_t core1 = section_of(w, image::section_kind::core, 1);
    const std::size_t start = section_starts(w)[core1];
    SECTION("a changed word") {
        w[start + image::section_header_words + 5] ^= 1u;
        check_refused(w, "the image is refused: a section's checksum does not match in section " +
                             std::to_string(core1) + " (kind 3, index 1) at word " +
                             std::to_string(start + 3));
    }
    SECTION("a section cut inside its synaptic words") {
        std::size_t end = start + image::section_header_words + w[start + 1];
        w.erase(w.begin() + static_cast<std::ptrdiff_t>(end - 1));
        --w[start + 1];
        reseal(w);
        functional_emulator e(w.data(), w.size());
        CHECK_FALSE(e.ready());
        CHECK_THAT(e.problem(),
                   Catch::StartsWith("the image is refused: a section ends inside a field ("));
        CHECK_THAT(e.problem(), Catch::Contains("in section " + std::to_string(core1) +
                                                " (kind 3, index 1) at word "));
    }
    SECTION("not an image") {
        w[0] = 0;
        check_refused(w, "the image is refused: not a spikeforge board image (magic number) in "
                         "section 0 (kind 0, "
                         "index 0) at word 0");
    }
    SECTION("no words") {
        check_refused(
            {},
            "the image is refused: shorter than the image header in section 0 (kind 0, index 0) at "
            "word 0");
    }
}

TEST_CASE("functional: an image that check_image accepts but cannot run is refused",
          "[emulator][functional][refusal]") {
    std::vector<std::uint32_t> w = hex_image();
    const std::size_t core0 = core_payload(w, 0);
    const std::size_t core1 = core_payload(w, 1);
    SECTION("a core on a chip without chip section") {
        // Chip (2,2) failed: the board has no chip section there.
        w[core1] = 2;
        w[core1 + 1] = 2;
        reseal(w);
        REQUIRE(image::check_image(w.data(), w.size()));
        check_refused(w, "core 1 is on chip (2, 2), which has no chip section");
    }
    SECTION("two cores on one application core") {
        w[core1] = w[core0];
        w[core1 + 1] = w[core0 + 1];
        w[core1 + 2] = w[core0 + 2];
        reseal(w);
        REQUIRE(image::check_image(w.data(), w.size()));
        check_refused(w, "cores 0 and 1 are both application core " + std::to_string(w[core0 + 2]) +
                             " of chip (" + std::to_string(w[core0]) + ", " +
                             std::to_string(w[core0 + 1]) + ")");
    }
    SECTION("a program word that is not an instruction") {
        sf::firmware::isa::instruction decoded;
        REQUIRE(sf::firmware::isa::decode(0xFFFFFFFFu, decoded) !=
                sf::firmware::isa::decode_status::ok);
        REQUIRE(w[core1 + 13] > 0);
        w[core1 + 20] = 0xFFFFFFFFu;
        reseal(w);
        REQUIRE(image::check_image(w.data(), w.size()));
        check_refused(w, "core 1 refuses its configuration: a program word is not an instruction");
    }
    SECTION("an event selection of a neuron its core has not") {
        const std::size_t recording =
            section_starts(w).at(section_of(w, image::section_kind::recording)) +
            image::section_header_words;
        // The trace file (count, "volts.dat", 3 columns), the event file's count, path, format and
        // selections, then the first selection's core and neuron.
        const std::size_t selection = recording + 1 + 4 + 1 + 3 * 5 + 1 + 5 + 2;
        const std::uint32_t core = w[selection];
        const std::uint32_t neurons = w[core_payload(w, core) + 5];
        w[selection + 1] = neurons;
        reseal(w);
        REQUIRE(image::check_image(w.data(), w.size()));
        check_refused(w, "an event selection names neuron " + std::to_string(neurons) +
                             " of core " + std::to_string(core) + ", which the image has not");
    }
}

TEST_CASE("functional: a trace column of a neuron its core has not is refused",
          "[emulator][functional][refusal]") {
    // check_image bounds a trace column's neuron by 255 and its state word by 1023 only; the
    // emulator checks an event selection's neuron against its core (refused above) but not a
    // trace column's: the column is recorded as 0 in every row, silently.
    std::vector<std::uint32_t> w = hex_image();
    const std::size_t recording =
        section_starts(w).at(section_of(w, image::section_kind::recording)) +
        image::section_header_words;
    const std::size_t column = recording + 1 + 4 + 1;
    REQUIRE(w[column] != image::constant_column);
    SECTION("a neuron") { w[column + 1] = 200; }
    SECTION("a state word") { w[column + 2] = 1000; }
    reseal(w);
    REQUIRE(image::check_image(w.data(), w.size()));
    functional_emulator e(w.data(), w.size());
    CHECK_FALSE(e.ready());
    CHECK_THAT(e.problem(), Catch::Contains("trace column"));
}

TEST_CASE("functional: two chip sections at one position are refused",
          "[emulator][functional][refusal]") {
    // docs/image-format.md: one chip section per available chip. Neither check_image nor the
    // emulator notices a second section at a position already given: the emulator routes every
    // packet reaching that position through the later section's table and never uses the first.
    std::vector<std::uint32_t> w = hex_image();
    const std::size_t chip1 = section_starts(w).at(section_of(w, image::section_kind::chip, 1)) +
                              image::section_header_words;
    const std::size_t chip0 = section_starts(w).at(section_of(w, image::section_kind::chip, 0)) +
                              image::section_header_words;
    w[chip1] = w[chip0];
    w[chip1 + 1] = w[chip0 + 1];
    reseal(w);
    const image::check_result checked = image::check_image(w.data(), w.size());
    functional_emulator e(w.data(), w.size());
    CHECK((!checked || !e.ready()));
}
