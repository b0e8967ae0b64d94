// Helpers shared by the tests of board images, partitioning and the functional emulator: small
// models and boards written inline, mapped without the placement's time budget, and the image
// words patched the way a damaged file would be.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/image.hpp>
#include <sf/lems/flatten.hpp>
#include <sf/lems/loader.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/image_file.hpp>
#include <sf/mapper/map_network.hpp>

#include "../lems/test_support.hpp"

namespace sf::mapper::test {

namespace fs = std::filesystem;
using sf::lems::test::temp_folder;

// Mapping options of the tests: no local improvement of the placement, so that a mapping takes
// no wall-clock budget and depends on its inputs only.
inline mapper::map_options quick_options() {
    mapper::map_options options;
    options.placement.improvement_seconds = 0.0;
    return options;
}

// The network of a model file, its output paths relative to the Simulation's folder ("."), as
// `spikeforge map` flattens it.
inline lems::ir::network flatten_here(const lems::model& model) {
    lems::flatten_options flat;
    flat.output_dir = ".";
    return lems::flatten(model, flat);
}

// A model written to `name` in `dir` and loaded with the built-in NeuroML2 core types.
inline lems::model load_text(const temp_folder& dir, const std::string& name,
                             const std::string& text) {
    return lems::load_model({dir.write(name, text)});
}

inline mapper::mapped_network map_text(const temp_folder& dir, const std::string& text,
                                       const mapper::board& machine) {
    return mapper::map_network(flatten_here(load_text(dir, "model.xml", text)), machine,
                               quick_options());
}

// A board of `width` x `height` chips, `cores` application cores per chip (one more core in all,
// as SpiNNaker keeps a monitor), `neurons` per core, with `body` inside <chips> (rows, failed
// chips and dead links), and the given synaptic memory and delay slots.
inline mapper::board inline_board(int width, int height, const std::string& topology, int cores,
                                  int neurons, const std::string& body = "",
                                  long synaptic_bytes = 1000000, int delay_slots = 16) {
    const std::string text = R"(<board name="inline" time_step="0.1 ms">
  <chips width=")" + std::to_string(width) +
                             R"(" height=")" + std::to_string(height) + R"(" topology=")" +
                             topology + R"(" cores=")" + std::to_string(cores + 1) +
                             R"(" application_cores=")" + std::to_string(cores) +
                             R"(" router_entries="1024" link_bandwidth="1000000">)" + body +
                             R"(</chips>
  <core neurons=")" + std::to_string(neurons) +
                             R"(" state_words_per_neuron="32" state_memory_words="8192"
        synaptic_memory_bytes=")" +
                             std::to_string(synaptic_bytes) +
                             R"(" program_words="1024" constant_words="1024"
        lookup_table_words="2048" weight_bits="16" weight_signed="false" delay_slots=")" +
                             std::to_string(delay_slots) + R"(" input_channels="2"/>
</board>
)";
    return mapper::load_board_text(text, "inline.xml");
}

// A LEMS file of `body` (components, a network and a Simulation "sim") with the NeuroML2 core types
// it needs included.
inline std::string lems_with_core_types(const std::string& body) {
    return "<Lems>\n    <Target component=\"sim\"/>\n    <Include file=\"Cells.xml\"/>\n"
           "    <Include file=\"Networks.xml\"/>\n    <Include file=\"Simulation.xml\"/>\n" +
           body + "</Lems>\n";
}

// A spike source driving three integrate-and-fire cells (two in one group: pre[1] receives
// nothing and compiles alone) and two Izhikevich cells, with connections without delay, with
// delays within an 8-slot ring (5 steps) and beyond it (25 and 30 steps); a trace of two
// potentials and a parameter, and a spike file of three cells.
const std::string small_model = R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <izhikevich2007Cell id="izh" C="100pF" v0="-60mV" k="0.7nS_per_mV" vr="-60mV" vt="-40mV"
            vpeak="35mV" a="0.03per_ms" b="-2nS" c="-50.0mV" d="100pA"/>
    <spikeGenerator id="gen" period="2ms"/>
    <expOneSynapse id="syn" gbase="100nS" erev="0mV" tauDecay="2ms"/>
    <expOneSynapse id="strong" gbase="20nS" erev="0mV" tauDecay="5ms"/>
    <network id="net">
        <population id="src" component="gen" size="1"/>
        <population id="pre" component="iaf" size="3"/>
        <population id="izp" component="izh" size="2"/>
        <projection id="near" presynapticPopulation="src" postsynapticPopulation="pre" synapse="syn">
            <connection id="0" preCellId="../src[0]" postCellId="../pre[0]"/>
            <connection id="1" preCellId="../src[0]" postCellId="../pre[2]"/>
        </projection>
        <projection id="far" presynapticPopulation="src" postsynapticPopulation="izp" synapse="strong">
            <connectionWD id="0" preCellId="../src[0]" postCellId="../izp[0]" weight="2" delay="3ms"/>
            <connectionWD id="1" preCellId="../src[0]" postCellId="../izp[1]" weight="1" delay="0.5ms"/>
        </projection>
        <projection id="back" presynapticPopulation="pre" postsynapticPopulation="izp" synapse="strong">
            <connectionWD id="0" preCellId="../pre[0]" postCellId="../izp[1]" weight="3" delay="2.5ms"/>
            <connectionWD id="1" preCellId="../pre[2]" postCellId="../izp[0]" weight="3" delay="0.1ms"/>
        </projection>
    </network>
    <Simulation id="sim" length="30ms" step="0.1ms" target="net">
        <OutputFile id="volts" fileName="volts.dat">
            <OutputColumn id="v0" quantity="pre[0]/v"/>
            <OutputColumn id="v1" quantity="izp[1]/v"/>
            <OutputColumn id="c" quantity="pre[0]/C"/>
        </OutputFile>
        <EventOutputFile id="spikes" fileName="out/spikes.dat" format="ID_TIME">
            <EventSelection id="s" select="src[0]" eventPort="spike"/>
            <EventSelection id="p0" select="pre[0]" eventPort="spike"/>
            <EventSelection id="i1" select="izp[1]" eventPort="spike"/>
        </EventOutputFile>
    </Simulation>
</Lems>
)";

// A hexagonal 3 x 3 board of one application core of two neurons per chip, chip (2,2) failed and
// the link from (0,0) towards N dead, with rings of 8 slots: the small model spreads over several
// chips and its 25- and 30-step delays need holds.
inline mapper::board small_hex_board() {
    return inline_board(
        3, 3, "hexagonal", 1, 2,
        R"(<unavailable_chip x="2" y="2"/><unavailable_link x="0" y="0" direction="N"/>)", 1000000,
        8);
}

// ---- image words
// ---------------------------------------------------------------------------------

namespace image = firmware::image;

// Where a section of an image starts (its header's first word), by position among the sections.
inline std::vector<std::size_t> section_starts(const std::vector<std::uint32_t>& words) {
    std::vector<std::size_t> starts;
    std::size_t at = image::header_words;
    for (std::uint32_t s = 0; s < words[3] && at + image::section_header_words <= words.size();
         ++s) {
        starts.push_back(at);
        at += image::section_header_words + words[at + 1];
    }
    return starts;
}

// The position of the first section of `kind` (and, for chips and cores, `index`).
inline std::size_t section_of(const std::vector<std::uint32_t>& words, image::section_kind kind,
                              std::uint32_t index = 0) {
    const std::vector<std::size_t> starts = section_starts(words);
    for (std::size_t s = 0; s < starts.size(); ++s) {
        if (words[starts[s]] == static_cast<std::uint32_t>(kind) && words[starts[s] + 2] == index) {
            return s;
        }
    }
    FAIL("no section of kind " << static_cast<int>(kind) << " and index " << index);
    return 0;
}

// Recomputes the header's length, count and checksum and every section's length-given checksum,
// as a writer of a consistent but wrong image would.
inline void reseal(std::vector<std::uint32_t>& words) {
    words[2] = static_cast<std::uint32_t>(words.size());
    words[5] = image::checksum(words.data(), 5);
    std::size_t at = image::header_words;
    for (std::uint32_t s = 0; s < words[3] && at + image::section_header_words <= words.size();
         ++s) {
        const std::size_t payload = at + image::section_header_words;
        if (words[at + 1] > words.size() - payload) {
            break;
        }
        words[at + 3] = image::checksum(words.data() + payload, words[at + 1]);
        at = payload + words[at + 1];
    }
}

// Removes section `position` (header and payload) and lowers the header's section count.
inline void remove_section(std::vector<std::uint32_t>& words, std::size_t position) {
    const std::size_t start = section_starts(words)[position];
    const std::size_t end = start + image::section_header_words + words[start + 1];
    words.erase(words.begin() + static_cast<std::ptrdiff_t>(start),
                words.begin() + static_cast<std::ptrdiff_t>(end));
    --words[3];
}

// Inserts words into section `position`'s payload at `offset` words after the payload's start.
inline void insert_into(std::vector<std::uint32_t>& words, std::size_t position, std::size_t offset,
                        const std::vector<std::uint32_t>& extra) {
    const std::size_t start = section_starts(words)[position];
    words.insert(words.begin() +
                     static_cast<std::ptrdiff_t>(start + image::section_header_words + offset),
                 extra.begin(), extra.end());
    words[start + 1] += static_cast<std::uint32_t>(extra.size());
}

// A population of spike sources without spikes of their own (the host drives it) projecting
// onto three integrate-and-fire cells, strongly enough that one input spike makes a cell fire;
// the inputs and targets are recorded.
const std::string driven_model = lems_with_core_types(R"(
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV" leakConductance="10nS" leakReversal="-70mV"/>
    <spikeArray id="host_input"/>
    <expOneSynapse id="syn" gbase="500nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="in" component="host_input" size="2"/>
        <population id="out" component="iaf" size="3"/>
        <projection id="p" presynapticPopulation="in" postsynapticPopulation="out" synapse="syn">
            <connection id="0" preCellId="../in[0]" postCellId="../out[0]"/>
            <connection id="1" preCellId="../in[0]" postCellId="../out[1]"/>
            <connection id="2" preCellId="../in[1]" postCellId="../out[2]"/>
        </projection>
    </network>
    <Simulation id="sim" length="20ms" step="0.1ms" target="net">
        <OutputFile id="volts" fileName="volts.dat">
            <OutputColumn id="v0" quantity="out[0]/v"/>
        </OutputFile>
        <EventOutputFile id="spikes" fileName="spikes.dat" format="ID_TIME">
            <EventSelection id="0" select="in[0]" eventPort="spike"/>
            <EventSelection id="1" select="in[1]" eventPort="spike"/>
            <EventSelection id="10" select="out[0]" eventPort="spike"/>
            <EventSelection id="11" select="out[1]" eventPort="spike"/>
            <EventSelection id="12" select="out[2]" eventPort="spike"/>
        </EventOutputFile>
    </Simulation>
)");

// The routing key of the neuron an event selection of `mapped` names.
inline std::uint32_t key_of_selection(const mapper::mapped_network& mapped, const std::string& id) {
    for (const auto& file : mapped.events) {
        for (const auto& s : file.selections) {
            if (s.id == id) {
                return mapped.cores[static_cast<std::size_t>(s.core)].keys.key |
                       static_cast<std::uint32_t>(s.neuron);
            }
        }
    }
    FAIL("no event selection " << id);
    return 0;
}

} // namespace sf::mapper::test
