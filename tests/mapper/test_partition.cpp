// Partitioning (sf/mapper/partition.hpp): every compiled group split into slices within a core's
// neurons, state memory and synaptic memory, covering every neuron once in order; a neuron that
// alone does not fit is an error naming its population.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/partition.hpp>
#include <sf/mapper/quantise.hpp>
#include <sf/mapper/routing_keys.hpp>
#include <sf/mapper/synaptic_matrix.hpp>

#include "mapping_support.hpp"

namespace {

using namespace sf::mapper::test;
namespace mapper = sf::mapper;
using mapper::slice;

// `cells` integrate-and-fire cells, each driven by one spike source through one connection (so
// that they compile as one group), the source's connections delayed by `delays` (in ms, one per
// cell, cycled; the time step is 0.1 ms), and `ring` extra connections from cell i to cell i + 1.
std::string driven_cells(int cells, const std::vector<std::string>& delays = {"0.1ms"},
                         bool ring = false) {
    std::string connections;
    for (int i = 0; i < cells; ++i) {
        connections += R"(<connectionWD id=")" + std::to_string(i) +
                       R"(" preCellId="../src[0]" postCellId="../cells[)" + std::to_string(i) +
                       R"(]" weight="1" delay=")" +
                       delays[static_cast<std::size_t>(i) % delays.size()] + "\"/>\n";
    }
    std::string recurrent;
    if (ring) {
        recurrent =
            R"(<projection id="ring" presynapticPopulation="cells" postsynapticPopulation="cells" synapse="syn">)";
        for (int i = 0; i + 1 < cells; ++i) {
            recurrent += R"(<connectionWD id=")" + std::to_string(i) + R"(" preCellId="../cells[)" +
                         std::to_string(i) + R"(]" postCellId="../cells[)" + std::to_string(i + 1) +
                         R"(]" weight="1" delay="0.2ms"/>)";
        }
        recurrent += "</projection>";
    }
    return lems_with_core_types(
        R"(    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <spikeGenerator id="gen" period="2ms"/>
    <expOneSynapse id="syn" gbase="5nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="src" component="gen" size="1"/>
        <population id="cells" component="iaf" size=")" +
        std::to_string(cells) + R"("/>
        <projection id="drive" presynapticPopulation="src" postsynapticPopulation="cells" synapse="syn">
)" + connections +
        R"(        </projection>
)" + recurrent +
        R"(
    </network>
    <Simulation id="sim" length="2ms" step="0.1ms" target="net"/>
)");
}

// A board of one chip whose cores hold `neurons`, `state_memory` words and `synaptic_bytes`.
mapper::board board_with(int neurons, long state_memory, long synaptic_bytes,
                         int delay_slots = 16) {
    return mapper::load_board_text(
        R"(<board name="limits" time_step="0.1 ms">
  <chips width="2" height="2" topology="mesh" cores="17" application_cores="16" router_entries="1024"
         link_bandwidth="1000"/>
  <core neurons=")" +
            std::to_string(neurons) + R"(" state_words_per_neuron="32" state_memory_words=")" +
            std::to_string(state_memory) + R"(" synaptic_memory_bytes=")" +
            std::to_string(synaptic_bytes) +
            R"(" program_words="1024" constant_words="1024" lookup_table_words="2048"
        weight_bits="16" delay_slots=")" +
            std::to_string(delay_slots) +
            R"(" input_channels="2"/>
</board>
)",
        "limits.xml");
}

struct compiled_model {
    sf::lems::ir::network net;
    mapper::compiled_network compiled;
    int cells = -1; // the group of the cells
};

compiled_model compile(const temp_folder& dir, const std::string& text,
                       const mapper::board& machine) {
    compiled_model m;
    m.net = flatten_here(load_text(dir, "model.xml", text));
    m.compiled = mapper::quantise(m.net, machine);
    for (std::size_t g = 0; g < m.net.groups.size(); ++g) {
        if (m.net.groups[g].population == "cells") {
            REQUIRE(m.cells < 0); // one group of cells
            m.cells = static_cast<int>(g);
        }
    }
    REQUIRE(m.cells >= 0);
    return m;
}

// Slices are group by group, in neuron order, with no gap or overlap; slice_of agrees.
void check_cover(const sf::lems::ir::network& net, const mapper::partition_result& parts) {
    REQUIRE(parts.slice_of.size() == net.groups.size());
    REQUIRE(parts.synaptic_bytes.size() == parts.slices.size());
    std::size_t k = 0;
    for (std::size_t g = 0; g < net.groups.size(); ++g) {
        int next = 0;
        while (k < parts.slices.size() && parts.slices[k].group == static_cast<int>(g)) {
            const slice& s = parts.slices[k];
            INFO("slice " << k << ": group " << s.group << ", neurons " << s.first << " + "
                          << s.count);
            CHECK(s.first == next);
            CHECK(s.count >= 1);
            for (int n = s.first; n < s.first + s.count; ++n) {
                CHECK(parts.slice_of[g][static_cast<std::size_t>(n)] == static_cast<int>(k));
            }
            next = s.first + s.count;
            ++k;
        }
        CHECK(next == static_cast<int>(net.groups[g].members.size()));
        CHECK(parts.slice_of[g].size() == net.groups[g].members.size());
    }
    CHECK(k == parts.slices.size());
}

std::vector<std::pair<int, int>> slices_of_group(const mapper::partition_result& parts, int group) {
    std::vector<std::pair<int, int>> list;
    for (const slice& s : parts.slices) {
        if (s.group == group) {
            list.emplace_back(s.first, s.count);
        }
    }
    return list;
}

using ranges = std::vector<std::pair<int, int>>;

} // namespace

TEST_CASE("partition: slices hold at most a core's neurons, in neuron order",
          "[mapper][partition]") {
    temp_folder dir("sf_test_partition");
    const mapper::board machine = board_with(3, 8192, 1000000);
    const compiled_model m = compile(dir, driven_cells(10), machine);
    const mapper::partition_result parts = mapper::partition(m.net, m.compiled, machine.core);
    check_cover(m.net, parts);
    CHECK(slices_of_group(parts, m.cells) == ranges{{0, 3}, {3, 3}, {6, 3}, {9, 1}});
    const mapper::group_split& split = parts.splits[static_cast<std::size_t>(m.cells)];
    CHECK(split.per_core == 3);
    CHECK(split.slices == 4); // ceil(10 / 3)
    CHECK(split.bound == mapper::core_bound::neurons);
    CHECK(std::string(mapper::to_string(split.bound)) == "neurons per core");
    SECTION("more neurons than 256 are still cut at 256") {
        mapper::core_limits core = machine.core;
        core.neurons = 1000;
        const compiled_model big =
            compile(dir, driven_cells(300), board_with(1000, 1 << 20, 1 << 30));
        const mapper::partition_result p = mapper::partition(big.net, big.compiled, core);
        check_cover(big.net, p);
        CHECK(slices_of_group(p, big.cells) == ranges{{0, 256}, {256, 44}});
    }
    SECTION("a core of one neuron") {
        mapper::core_limits core = machine.core;
        core.neurons = 1;
        const mapper::partition_result p = mapper::partition(m.net, m.compiled, core);
        check_cover(m.net, p);
        CHECK(slices_of_group(p, m.cells).size() == 10);
    }
}

TEST_CASE("partition: the state words of a slice fit the core's state memory",
          "[mapper][partition]") {
    temp_folder dir("sf_test_partition");
    const compiled_model m = compile(dir, driven_cells(10), board_with(256, 8192, 1000000));
    const int words = m.compiled.groups[static_cast<std::size_t>(m.cells)].state_words;
    REQUIRE(words >= 2);
    INFO("a cell has " << words << " state words");
    SECTION("room for two cells and a word") {
        const mapper::board machine = board_with(256, 2 * words + 1, 1000000);
        const mapper::partition_result parts = mapper::partition(m.net, m.compiled, machine.core);
        check_cover(m.net, parts);
        CHECK(slices_of_group(parts, m.cells) == ranges{{0, 2}, {2, 2}, {4, 2}, {6, 2}, {8, 2}});
        const mapper::group_split& split = parts.splits[static_cast<std::size_t>(m.cells)];
        CHECK(split.per_core == 2);
        CHECK(split.slices == 5);
        CHECK(split.bound == mapper::core_bound::state_memory);
        CHECK(std::string(mapper::to_string(split.bound)) == "state memory");
    }
    SECTION("room for exactly three cells") {
        const mapper::board machine = board_with(256, 3 * words, 1000000);
        const mapper::partition_result parts = mapper::partition(m.net, m.compiled, machine.core);
        check_cover(m.net, parts);
        CHECK(slices_of_group(parts, m.cells) == ranges{{0, 3}, {3, 3}, {6, 3}, {9, 1}});
    }
    SECTION("no room for one cell") {
        mapper::core_limits core = board_with(256, 8192, 1000000).core;
        core.state_memory_words = words - 1;
        const std::string label = m.net.groups[static_cast<std::size_t>(m.cells)].label;
        try {
            mapper::partition(m.net, m.compiled, core);
            FAIL("no compile_error");
        } catch (const mapper::compile_error& e) {
            CHECK(e.group() == label);
            CHECK(std::string(e.what()) == label + ": one neuron needs " + std::to_string(words) +
                                               " state words; a core holds " +
                                               std::to_string(words - 1));
        }
        CHECK_THROWS_AS(mapper::partition(m.net, m.compiled, core), mapper::compile_error);
    }
}

TEST_CASE("partition: a slice's synaptic matrix fits the core's synaptic memory",
          "[mapper][partition]") {
    temp_folder dir("sf_test_partition");
    // Eight cells each receiving one connection from the source: a slice of n cells takes one
    // master entry (16 bytes), one block (12), two row offsets (8) and n words (4 n).
    const compiled_model m = compile(dir, driven_cells(8), board_with(256, 8192, 1000000));
    auto split = [&](long budget) {
        mapper::core_limits core = board_with(256, 8192, budget).core;
        const mapper::partition_result parts = mapper::partition(m.net, m.compiled, core);
        check_cover(m.net, parts);
        for (std::size_t s = 0; s < parts.slices.size(); ++s) {
            CHECK(parts.synaptic_bytes[s] <= static_cast<std::uint64_t>(budget));
        }
        return parts;
    };
    SECTION("room for all eight") {
        const mapper::partition_result parts = split(36 + 4 * 8);
        CHECK(slices_of_group(parts, m.cells) == ranges{{0, 8}});
        CHECK(parts.splits[static_cast<std::size_t>(m.cells)].bound == mapper::core_bound::neurons);
        CHECK(parts.synaptic_bytes[parts.slice_of[static_cast<std::size_t>(m.cells)][0]] == 68);
    }
    SECTION("room for four: halved once") {
        const mapper::partition_result parts = split(36 + 4 * 4);
        CHECK(slices_of_group(parts, m.cells) == ranges{{0, 4}, {4, 4}});
        CHECK(parts.synaptic_bytes[parts.slice_of[static_cast<std::size_t>(m.cells)][0]] == 52);
    }
    SECTION("room for three: halved twice") {
        const mapper::partition_result parts = split(36 + 4 * 3);
        CHECK(slices_of_group(parts, m.cells) == ranges{{0, 2}, {2, 2}, {4, 2}, {6, 2}});
        const mapper::group_split& halved = parts.splits[static_cast<std::size_t>(m.cells)];
        CHECK(halved.per_core == 256);
        CHECK(halved.slices == 4); // more than ceil(8 / 256): the synaptic memory says why
        CHECK(halved.bound == mapper::core_bound::synaptic_memory);
        CHECK(std::string(mapper::to_string(halved.bound)) == "synaptic memory");
    }
    SECTION("room for one") {
        const mapper::partition_result parts = split(40);
        CHECK(slices_of_group(parts, m.cells).size() == 8);
    }
    SECTION("a neuron alone does not fit") {
        mapper::core_limits core = board_with(256, 8192, 39).core;
        const std::string label = m.net.groups[static_cast<std::size_t>(m.cells)].label;
        try {
            mapper::partition(m.net, m.compiled, core);
            FAIL("no compile_error");
        } catch (const mapper::compile_error& e) {
            CHECK(e.group() == label);
            CHECK(std::string(e.what()) ==
                  label + ": neuron 0 receives synapses needing 40 bytes of synaptic "
                          "matrix; a core holds 39");
        }
        CHECK_THROWS_AS(mapper::partition(m.net, m.compiled, core), mapper::compile_error);
    }
}

TEST_CASE("partition: delays beyond the ring take a block per hold in the budget",
          "[mapper][partition]") {
    temp_folder dir("sf_test_partition");
    // Two cells, one reached after 5 steps and one after 30: on any ring shorter than 30 slots the
    // second row waits in a block of its own (with 8 slots, 24 steps: three whole rings). One slice
    // of both: 1 entry, 2 blocks, 2 x 2 offsets, 2 words = 16 + 24 + 16 + 8 bytes.
    const compiled_model m =
        compile(dir, driven_cells(2, {"0.5ms", "3ms"}), board_with(256, 8192, 1000000));
    SECTION("a ring of 8") {
        const mapper::partition_result parts =
            mapper::partition(m.net, m.compiled, board_with(256, 8192, 64, 8).core);
        CHECK(slices_of_group(parts, m.cells) == ranges{{0, 2}});
        CHECK(parts.synaptic_bytes[parts.slice_of[static_cast<std::size_t>(m.cells)][0]] == 64);
    }
    SECTION("a ring of 8 and a byte too few") {
        const mapper::partition_result parts =
            mapper::partition(m.net, m.compiled, board_with(256, 8192, 63, 8).core);
        CHECK(slices_of_group(parts, m.cells) == ranges{{0, 1}, {1, 1}});
    }
    SECTION("a ring of 32 counts as 16") {
        const mapper::partition_result parts =
            mapper::partition(m.net, m.compiled, board_with(256, 8192, 64, 32).core);
        CHECK(parts.synaptic_bytes[parts.slice_of[static_cast<std::size_t>(m.cells)][0]] == 64);
    }
    SECTION("a ring of 1") {
        const mapper::partition_result parts =
            mapper::partition(m.net, m.compiled, board_with(256, 8192, 64, 1).core);
        CHECK(parts.synaptic_bytes[parts.slice_of[static_cast<std::size_t>(m.cells)][0]] == 64);
    }
}

TEST_CASE("partition: the budgeted bytes are those of the matrices map_network builds",
          "[mapper][partition]") {
    temp_folder dir("sf_test_partition");
    const std::string text = driven_cells(24, {"0.1ms", "0.9ms", "1.7ms", "3ms", "4ms"}, true);
    for (const int slots : {1, 2, 8, 16}) {
        DYNAMIC_SECTION("a ring of " << slots << " slots") {
            const mapper::board machine = board_with(4, 8192, 1000000, slots);
            const mapper::mapped_network m = map_text(dir, text, machine);
            REQUIRE(m.cores.size() == m.parts.slices.size());
            for (std::size_t s = 0; s < m.cores.size(); ++s) {
                INFO("slice " << s);
                CHECK(m.cores[s].matrix.bytes() == m.parts.synaptic_bytes[s]);
                CHECK(m.report.cores[s].synaptic_bytes == m.parts.synaptic_bytes[s]);
            }
        }
    }
}

TEST_CASE("partition: a ring that is not a power of two is budgeted as the matrices use it",
          "[mapper][partition]") {
    // The kernel's ring is the largest power of two within the board's slots: with 10 slots a
    // ring of 8, so delays of 10 and 11 steps are both a hold of 8, one block (44 bytes; a ring of
    // 10 would need two, 64 bytes), and partitioning budgets them so: on a core of 43 bytes the
    // neuron does not fit, on one of 44 it does, each matrix as large as budgeted.
    temp_folder dir("sf_test_partition");
    const std::string text = lems_with_core_types(
        R"(    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <spikeGenerator id="gen" period="2ms"/>
    <expOneSynapse id="syn" gbase="5nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="src" component="gen" size="1"/>
        <population id="cells" component="iaf" size="1"/>
        <projection id="a" presynapticPopulation="src" postsynapticPopulation="cells" synapse="syn">
            <connectionWD id="0" preCellId="../src[0]" postCellId="../cells[0]" weight="1" delay="1ms"/>
        </projection>
        <projection id="b" presynapticPopulation="src" postsynapticPopulation="cells" synapse="syn">
            <connectionWD id="0" preCellId="../src[0]" postCellId="../cells[0]" weight="1" delay="1.1ms"/>
        </projection>
    </network>
    <Simulation id="sim" length="2ms" step="0.1ms" target="net"/>
)");
    CHECK_THROWS_WITH(map_text(dir, text, board_with(256, 8192, 43, 10)),
                      Catch::Contains("needing 44 bytes of synaptic matrix; a core holds 43"));
    const mapper::mapped_network m = map_text(dir, text, board_with(256, 8192, 44, 10));
    for (std::size_t s = 0; s < m.cores.size(); ++s) {
        INFO("slice " << s);
        CHECK(m.cores[s].matrix.bytes() == m.parts.synaptic_bytes[s]);
        CHECK(m.cores[s].matrix.bytes() <= 44);
    }
}

TEST_CASE("partition: the slices are the same on any number of threads", "[mapper][partition]") {
    temp_folder dir("sf_test_partition");
    const compiled_model m =
        compile(dir, driven_cells(24, {"0.1ms", "0.9ms", "1.7ms", "3ms", "4ms"}, true),
                board_with(256, 8192, 1000000));
    auto same = [](const mapper::partition_result& a, const mapper::partition_result& b) {
        REQUIRE(a.slices.size() == b.slices.size());
        for (std::size_t s = 0; s < a.slices.size(); ++s) {
            CHECK(a.slices[s].group == b.slices[s].group);
            CHECK(a.slices[s].first == b.slices[s].first);
            CHECK(a.slices[s].count == b.slices[s].count);
        }
        CHECK(a.slice_of == b.slice_of);
        CHECK(a.synaptic_bytes == b.synaptic_bytes);
        REQUIRE(a.splits.size() == b.splits.size());
        for (std::size_t g = 0; g < a.splits.size(); ++g) {
            CHECK(a.splits[g].per_core == b.splits[g].per_core);
            CHECK(a.splits[g].slices == b.splits[g].slices);
            CHECK(a.splits[g].bound == b.splits[g].bound);
        }
    };
    for (const long budget : {120L, 200L, 400L, 1000000L}) {
        INFO("a synaptic memory of " << budget << " bytes");
        const mapper::core_limits core = board_with(256, 8192, budget).core;
        const mapper::partition_result one = mapper::partition(m.net, m.compiled, core, 1);
        check_cover(m.net, one);
        for (const std::size_t threads : {2, 3, 7}) {
            INFO(threads << " threads");
            same(one, mapper::partition(m.net, m.compiled, core, threads));
        }
    }
    // The smallest budget halves the cells several times over; the largest keeps them whole.
    CHECK(slices_of_group(mapper::partition(m.net, m.compiled, board_with(256, 8192, 120).core, 2),
                          m.cells)
              .size() > 4);
    SECTION("a neuron alone does not fit: the same error on any number of threads") {
        const mapper::core_limits core = board_with(256, 8192, 39).core;
        for (const std::size_t threads : {1, 2, 3}) {
            INFO(threads << " threads");
            CHECK_THROWS_WITH(mapper::partition(m.net, m.compiled, core, threads),
                              Catch::Contains("neuron 0 receives synapses needing"));
        }
    }
}
