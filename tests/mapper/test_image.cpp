// The board image (docs/image-format.md): what encode_image writes for a mapped network, read back
// section by section with the firmware's checked reader, and every check of check_image on images
// damaged on purpose, each reported with its problem, section and word.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/image.hpp>
#include <sf/mapper/image_file.hpp>

#include "mapping_support.hpp"

namespace {

using namespace sf::mapper::test;
namespace image = sf::firmware::image;
namespace mapper = sf::mapper;
using image::problem;
using image::section_kind;

// ---- reading an image back ---------------------------------------------------------------------

std::string text_at(image::cursor& c, const char* field) {
    std::uint32_t length = 0;
    const char* bytes = c.text(length, field);
    REQUIRE(bytes != nullptr);
    return std::string(bytes, length);
}

// Every section of an image check_image accepted, through the firmware's readers.
struct read_image {
    image::machine_view machine;
    std::string board;
    std::vector<std::string> labels;
    std::vector<image::chip_view> chips;
    std::vector<image::core_view> cores;
    std::vector<mapper::mapped_trace> traces;
    std::vector<mapper::mapped_events> events;
    std::string report;
    std::vector<section_kind> kinds;
};

read_image read_back(const std::vector<std::uint32_t>& words) {
    read_image r;
    image::sections walk(words.data(), words.size());
    image::section_view s;
    while (walk.next(s)) {
        r.kinds.push_back(s.kind);
        image::cursor c(s.payload, s.payload + s.length);
        switch (s.kind) {
        case section_kind::machine: {
            REQUIRE(image::read_machine(c, r.machine));
            r.board.assign(r.machine.board, r.machine.board_length);
            image::cursor labels(r.machine.labels, s.payload + s.length);
            for (std::uint32_t g = 0; g < r.machine.groups; ++g) {
                r.labels.push_back(text_at(labels, "label"));
            }
            break;
        }
        case section_kind::chip: {
            image::chip_view chip;
            REQUIRE(image::read_chip(c, chip));
            CHECK(s.index == r.chips.size());
            r.chips.push_back(chip);
            break;
        }
        case section_kind::core: {
            image::core_view core;
            REQUIRE(image::read_core(c, core));
            CHECK(s.index == r.cores.size());
            r.cores.push_back(core);
            break;
        }
        case section_kind::recording: {
            const std::uint32_t files = c.word("trace files");
            for (std::uint32_t f = 0; f < files; ++f) {
                mapper::mapped_trace t;
                t.path = text_at(c, "path");
                const std::uint32_t columns = c.word("columns");
                for (std::uint32_t k = 0; k < columns; ++k) {
                    mapper::mapped_column col;
                    const std::uint32_t core = c.word("core");
                    col.core = core == image::constant_column ? -1 : static_cast<int>(core);
                    col.neuron = static_cast<int>(c.word("neuron"));
                    col.slot = static_cast<int>(c.word("slot"));
                    col.unit = c.real("unit");
                    t.columns.push_back(col);
                }
                r.traces.push_back(t);
            }
            const std::uint32_t event_files = c.word("event files");
            for (std::uint32_t f = 0; f < event_files; ++f) {
                mapper::mapped_events e;
                e.path = text_at(c, "path");
                e.id_first = c.word("format") == 1;
                const std::uint32_t selections = c.word("selections");
                for (std::uint32_t k = 0; k < selections; ++k) {
                    mapper::mapped_selection sel;
                    sel.core = static_cast<int>(c.word("core"));
                    sel.neuron = static_cast<int>(c.word("neuron"));
                    sel.id = text_at(c, "id");
                    e.selections.push_back(sel);
                }
                r.events.push_back(e);
            }
            CHECK(c.ok());
            CHECK(c.done());
            break;
        }
        case section_kind::report: r.report = text_at(c, "report"); break;
        }
    }
    return r;
}

template <class T>
std::vector<std::uint32_t> as_words(const std::vector<T>& list) {
    return std::vector<std::uint32_t>(list.begin(), list.end());
}

std::vector<std::uint32_t> span(const std::uint32_t* at, std::size_t count) {
    return count == 0 ? std::vector<std::uint32_t>{} : std::vector<std::uint32_t>(at, at + count);
}

// Everything the image holds is what the mapped network says.
void check_round_trip(const mapper::mapped_network& m, const std::vector<std::uint32_t>& words) {
    const image::check_result checked = image::check_image(words.data(), words.size());
    INFO(image::describe(checked.what)
         << " at word " << checked.offset << " (" << checked.field << ")");
    REQUIRE(checked);
    CHECK(words[0] == image::magic);
    CHECK(words[1] == image::version);
    CHECK(words[2] == words.size());
    CHECK(words[3] == 1 + m.tables.size() + m.cores.size() + 2);
    CHECK(words[4] == 0);

    const read_image r = read_back(words);
    std::vector<section_kind> kinds{section_kind::machine};
    kinds.insert(kinds.end(), m.tables.size(), section_kind::chip);
    kinds.insert(kinds.end(), m.cores.size(), section_kind::core);
    kinds.push_back(section_kind::recording);
    kinds.push_back(section_kind::report);
    CHECK(r.kinds == kinds);

    // The machine.
    CHECK(r.machine.dt == m.dt);
    CHECK(r.machine.steps == static_cast<std::uint64_t>(m.steps));
    CHECK(r.machine.seed == static_cast<std::uint32_t>(m.seed));
    CHECK(r.machine.width == static_cast<std::uint32_t>(m.machine.grid.width));
    CHECK(r.machine.height == static_cast<std::uint32_t>(m.machine.grid.height));
    CHECK(r.machine.topology == static_cast<std::uint32_t>(m.machine.grid.kind));
    CHECK(r.machine.wraps == (m.machine.grid.wraps ? 1u : 0u));
    std::vector<std::uint32_t> dead;
    for (const mapper::link& l : m.machine.links) {
        if (!l.available) {
            dead.insert(dead.end(),
                        {static_cast<std::uint32_t>(l.from.x), static_cast<std::uint32_t>(l.from.y),
                         static_cast<std::uint32_t>(l.heading)});
        }
    }
    CHECK(span(r.machine.dead, 3 * std::size_t{r.machine.dead_links}) == dead);
    CHECK(r.machine.chips == m.tables.size());
    CHECK(r.machine.cores == m.cores.size());
    CHECK(r.board == m.machine.name);
    CHECK(r.labels == m.group_labels);

    // The chips: one per available chip, in row order, with their routing tables.
    REQUIRE(r.chips.size() == m.tables.size());
    CHECK(m.tables.size() == static_cast<std::size_t>(m.machine.chip_count()));
    for (std::size_t c = 0; c < r.chips.size(); ++c) {
        INFO("chip section " << c);
        const mapper::routing_table& t = m.tables[c];
        CHECK(r.chips[c].x == static_cast<std::uint32_t>(t.chip.x));
        CHECK(r.chips[c].y == static_cast<std::uint32_t>(t.chip.y));
        std::vector<std::uint32_t> entries;
        for (const mapper::route_entry& e : t.entries) {
            entries.insert(entries.end(), {e.key, e.mask, e.route});
        }
        CHECK(span(r.chips[c].routes, 3 * std::size_t{r.chips[c].entries}) == entries);
    }

    // The cores, in slice order.
    REQUIRE(r.cores.size() == m.cores.size());
    for (std::size_t k = 0; k < r.cores.size(); ++k) {
        INFO("core section " << k);
        const image::core_view& v = r.cores[k];
        const mapper::mapped_core& core = m.cores[k];
        const mapper::compiled_group& g = m.compiled.groups[static_cast<std::size_t>(core.group)];
        const mapper::synaptic_matrix& mx = core.matrix;
        CHECK(v.x == static_cast<std::uint32_t>(core.where.chip.x));
        CHECK(v.y == static_cast<std::uint32_t>(core.where.chip.y));
        CHECK(v.core == static_cast<std::uint32_t>(core.where.core));
        CHECK(v.group == static_cast<std::uint32_t>(core.group));
        CHECK(v.first == static_cast<std::uint32_t>(core.first));
        CHECK(v.neurons == static_cast<std::uint32_t>(core.count));
        CHECK(v.state_words == static_cast<std::uint32_t>(g.state_words));
        CHECK(v.input_channels == static_cast<std::uint32_t>(g.input_channels));
        CHECK(v.delay_slots == static_cast<std::uint32_t>(core.delay_slots));
        CHECK(v.seed == core.seed);
        CHECK(v.key == core.keys.key);
        CHECK(v.mask == core.keys.mask);
        CHECK(v.sends == (core.sends ? 1u : 0u));
        CHECK(span(v.program, v.program_words) == g.program);
        CHECK(span(v.constants, v.constant_count) == as_words(g.constants));
        REQUIRE(v.table_count == g.tables.size());
        const std::uint32_t* t = v.tables;
        for (const mapper::table_image& table : g.tables) {
            CHECK(t[0] == static_cast<std::uint32_t>(table.x0));
            CHECK(t[1] == (std::uint32_t{table.step} | std::uint32_t{table.log2_intervals} << 8));
            CHECK(span(t + 2, table.samples.size()) == as_words(table.samples));
            t += 2 + table.samples.size();
        }
        const auto s = static_cast<std::size_t>(g.state_words);
        const std::vector<std::int32_t> state(
            g.initial_state.begin() + static_cast<std::ptrdiff_t>(core.first * s),
            g.initial_state.begin() + static_cast<std::ptrdiff_t>((core.first + core.count) * s));
        CHECK(span(v.initial_state, std::size_t{v.neurons} * v.state_words) == as_words(state));
        std::vector<std::uint32_t> master;
        for (const mapper::master_entry& e : mx.master) {
            master.insert(master.end(), {e.key, e.mask, e.first_block, e.block_count});
        }
        CHECK(span(v.master, 4 * std::size_t{v.master_entries}) == master);
        std::vector<std::uint32_t> blocks;
        for (const mapper::row_block& b : mx.blocks) {
            blocks.insert(blocks.end(), {b.hold, b.neurons, b.first_offset});
        }
        CHECK(span(v.block_words, 3 * std::size_t{v.blocks}) == blocks);
        CHECK(span(v.row_offsets, v.offsets) == mx.row_offsets);
        CHECK(span(v.words, v.synaptic_words) == mx.words);
    }

    // What is recorded.
    REQUIRE(r.traces.size() == m.traces.size());
    for (std::size_t f = 0; f < r.traces.size(); ++f) {
        CHECK(r.traces[f].path == m.traces[f].path);
        REQUIRE(r.traces[f].columns.size() == m.traces[f].columns.size());
        for (std::size_t c = 0; c < r.traces[f].columns.size(); ++c) {
            const mapper::mapped_column& a = r.traces[f].columns[c];
            const mapper::mapped_column& b = m.traces[f].columns[c];
            CHECK(a.core == b.core);
            CHECK(a.neuron == b.neuron);
            CHECK(a.slot == b.slot);
            CHECK(a.unit == b.unit);
        }
    }
    REQUIRE(r.events.size() == m.events.size());
    for (std::size_t f = 0; f < r.events.size(); ++f) {
        CHECK(r.events[f].path == m.events[f].path);
        CHECK(r.events[f].id_first == m.events[f].id_first);
        REQUIRE(r.events[f].selections.size() == m.events[f].selections.size());
        for (std::size_t k = 0; k < r.events[f].selections.size(); ++k) {
            CHECK(r.events[f].selections[k].core == m.events[f].selections[k].core);
            CHECK(r.events[f].selections[k].neuron == m.events[f].selections[k].neuron);
            CHECK(r.events[f].selections[k].id == m.events[f].selections[k].id);
        }
    }
    CHECK(r.report == m.summary());
}

// The small model mapped onto the small hexagonal board, and its image: built once.
const mapper::mapped_network& small_mapped() {
    static const temp_folder dir("sf_test_image");
    static const mapper::mapped_network mapped = map_text(dir, small_model, small_hex_board());
    return mapped;
}

const std::vector<std::uint32_t>& small_image() {
    static const std::vector<std::uint32_t> words = mapper::encode_image(small_mapped());
    return words;
}

} // namespace

TEST_CASE("image: a mapped network's image holds every core, chip and recording as mapped",
          "[mapper][image]") {
    SECTION("the small model on a hexagonal board with a failed chip and a dead link") {
        const mapper::mapped_network& m = small_mapped();
        // Spread as the test means it: several chips, holds for the long delays, a constant column.
        CHECK(m.report.chips_used >= 3);
        CHECK(m.machine.chip_count() == 8);
        bool held = false;
        for (const auto& core : m.cores) {
            for (const auto& b : core.matrix.blocks) {
                held = held || b.hold > 0;
            }
            CHECK(core.delay_slots == 8);
        }
        CHECK(held);
        REQUIRE(m.traces.size() == 1);
        REQUIRE(m.traces[0].columns.size() == 3);
        CHECK(m.traces[0].columns[2].core == -1);
        CHECK(m.traces[0].columns[2].unit == Approx(1e-9));
        REQUIRE(m.events.size() == 1);
        CHECK(m.events[0].path == "out/spikes.dat");
        CHECK(m.events[0].id_first);
        check_round_trip(m, small_image());
    }
    SECTION("the small model on the tiny board") {
        temp_folder dir("sf_test_image");
        const mapper::mapped_network m = map_text(dir, small_model, mapper::find_board("tiny"));
        check_round_trip(m, mapper::encode_image(m));
    }
    SECTION("encoding is deterministic") {
        temp_folder dir("sf_test_image");
        const mapper::mapped_network m = map_text(dir, small_model, small_hex_board());
        const std::vector<std::uint32_t> words = mapper::encode_image(m);
        // The report holds wall-clock times of the mapping: everything before it is the same.
        const std::size_t report = section_starts(words).back();
        REQUIRE(words.size() > report);
        CHECK(std::vector<std::uint32_t>(words.begin() + 6,
                                         words.begin() + static_cast<std::ptrdiff_t>(report)) ==
              std::vector<std::uint32_t>(small_image().begin() + 6,
                                         small_image().begin() +
                                             static_cast<std::ptrdiff_t>(report)));
    }
}

TEST_CASE("image: the checksum is zlib's CRC-32 of the words' little-endian bytes",
          "[mapper][image]") {
    // "123456789" padded with zero bytes to three words; CRC-32 of the 12 bytes, as zlib's crc32.
    const std::uint32_t words[] = {0x34333231u, 0x38373635u, 0x00000039u};
    CHECK(image::checksum(words, 0) == 0u);
    CHECK(image::checksum(words, 2) == 0x9AE0DAAFu); // "12345678"
    CHECK(image::checksum(words, 3) == 0x77D55834u); // "123456789\0\0\0"
    static constexpr std::uint32_t eight[] = {0x34333231u, 0x38373635u};
    static_assert(image::checksum(eight, 2) == 0x9AE0DAAFu, "usable in constant expressions");
}

// ---- damaged images
// --------------------------------------------------------------------------------

namespace {

// Word offsets in the image of one section's parts.
struct section_at {
    std::size_t position = 0; // among the sections
    std::size_t start = 0;    // the section header
    std::size_t payload = 0;
    std::size_t end = 0; // one past the payload
    std::uint32_t kind = 0;
    std::uint32_t index = 0;
};

section_at locate(const std::vector<std::uint32_t>& words, std::size_t position) {
    section_at s;
    s.position = position;
    s.start = section_starts(words).at(position);
    s.payload = s.start + image::section_header_words;
    s.end = s.payload + words[s.start + 1];
    s.kind = words[s.start];
    s.index = words[s.start + 2];
    return s;
}

section_at locate(const std::vector<std::uint32_t>& words, section_kind kind,
                  std::uint32_t index = 0) {
    return locate(words, section_of(words, kind, index));
}

// A core section's arrays, as word offsets in the image.
struct core_at : section_at {
    image::core_view view;
    std::size_t program = 0, constants = 0, tables = 0, initial_state = 0, master = 0, blocks = 0,
                offsets = 0, words = 0;
};

// The count fields of a core section, by their place in the payload.
enum core_field : std::size_t {
    f_x,
    f_y,
    f_core,
    f_group,
    f_first,
    f_neurons,
    f_state_words,
    f_channels,
    f_slots,
    f_seed,
    f_key,
    f_mask,
    f_sends,
    f_program,
    f_constants,
    f_tables,
    f_master,
    f_blocks,
    f_offsets,
    f_words
};

core_at locate_core(const std::vector<std::uint32_t>& words, std::uint32_t index) {
    core_at c;
    static_cast<section_at&>(c) = locate(words, section_kind::core, index);
    image::cursor cursor(words.data() + c.payload, words.data() + c.end);
    REQUIRE(image::read_core(cursor, c.view));
    auto at = [&](const std::uint32_t* p) { return static_cast<std::size_t>(p - words.data()); };
    c.program = c.payload + 20;
    c.constants = c.program + c.view.program_words;
    c.tables = at(c.view.tables);
    c.initial_state = c.tables; // no tables in the models of these tests
    REQUIRE(c.view.table_count == 0);
    c.master = c.initial_state + std::size_t{c.view.neurons} * c.view.state_words;
    c.blocks = c.master + 4 * std::size_t{c.view.master_entries};
    c.offsets = c.blocks + 3 * std::size_t{c.view.blocks};
    c.words = c.offsets + c.view.offsets;
    CHECK(c.words + c.view.synaptic_words == c.end);
    return c;
}

// The first core section whose fields satisfy `fits`.
template <class Fits>
core_at find_core(const std::vector<std::uint32_t>& words, Fits fits) {
    std::uint32_t cores = 0;
    for (const std::size_t start : section_starts(words)) {
        cores += words[start] == static_cast<std::uint32_t>(section_kind::core) ? 1 : 0;
    }
    for (std::uint32_t k = 0; k < cores; ++k) {
        const core_at c = locate_core(words, k);
        if (fits(c)) {
            return c;
        }
    }
    FAIL("no core section fits");
    return {};
}

struct refusal {
    problem what = problem::none;
    std::size_t section = 0;
    std::uint32_t kind = 0;
    std::uint32_t index = 0;
    std::size_t offset = 0;
    std::string field;
};

void check_refused(const std::vector<std::uint32_t>& words, const refusal& e) {
    const image::check_result r = image::check_image(words.data(), words.size());
    INFO("found: " << image::describe(r.what) << " (" << r.field << ") in section " << r.section
                   << " (kind " << r.kind << ", index " << r.index << ") at word " << r.offset);
    CHECK(r.what == e.what);
    CHECK_FALSE(static_cast<bool>(r));
    CHECK(r.section == e.section);
    CHECK(r.kind == e.kind);
    CHECK(r.index == e.index);
    CHECK(r.offset == e.offset);
    CHECK(std::string(r.field) == e.field);
}

refusal in_section(const section_at& s, problem what, std::size_t offset, std::string field = "") {
    return {what, s.position, s.kind, s.index, offset, std::move(field)};
}

// A range check refused: the problem, field and section as given, the word inside the section.
void check_out_of_range(const std::vector<std::uint32_t>& words, const section_at& s,
                        const std::string& field) {
    const image::check_result r = image::check_image(words.data(), words.size());
    INFO("found: " << image::describe(r.what) << " (" << r.field << ") in section " << r.section
                   << " at word " << r.offset);
    CHECK(r.what == problem::bad_field);
    CHECK(std::string(r.field) == field);
    CHECK(r.section == s.position);
    CHECK(r.kind == s.kind);
    CHECK(r.index == s.index);
    CHECK(r.offset >= s.payload);
    CHECK(r.offset <= s.end);
}

std::vector<std::uint32_t> real_words(double value) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return {static_cast<std::uint32_t>(bits), static_cast<std::uint32_t>(bits >> 32)};
}

// Machine payload offsets: dt 0-1, steps 2-3, seed 4, width 5, height 6, topology 7, wraps 8,
// dead links 9, then 3 words per dead link, chips, cores, groups and the board name.
constexpr std::size_t m_width = 5, m_height = 6, m_topology = 7, m_wraps = 8, m_dead = 9;

} // namespace

TEST_CASE("image: check_image refuses a damaged header", "[mapper][image]") {
    std::vector<std::uint32_t> w = small_image();
    SECTION("shorter than a header") {
        w.resize(5);
        check_refused(w, {problem::too_short, 0, 0, 0, 0, ""});
        CHECK(image::check_image(nullptr, 0).what == problem::too_short);
        CHECK(image::check_image(nullptr, 100).what == problem::too_short);
    }
    SECTION("the magic number") {
        w[0] = 0x4D494654u;
        check_refused(w, {problem::bad_magic, 0, 0, 0, 0, ""});
    }
    SECTION("another version, even with its checksum") {
        w[1] = 2;
        reseal(w);
        check_refused(w, {problem::bad_version, 0, 0, 0, 1, ""});
    }
    SECTION("the header's length is not the image's") {
        SECTION("a word more") { w.push_back(0); }
        SECTION("a word fewer") { w.pop_back(); }
        SECTION("the length word") { ++w[2]; }
        check_refused(w, {problem::bad_length, 0, 0, 0, 2, ""});
    }
    SECTION("the header's checksum") {
        SECTION("the reserved word") { w[4] = 1; }
        SECTION("the section count") { ++w[3]; }
        SECTION("the checksum itself") { w[5] ^= 0x80000000u; }
        check_refused(w, {problem::bad_header_checksum, 0, 0, 0, 5, ""});
    }
}

TEST_CASE(
    "image: check_image refuses sections past the end, with a wrong checksum, kind, order or index",
    "[mapper][image]") {
    std::vector<std::uint32_t> w = small_image();
    const std::size_t sections = w[3];
    SECTION("the header counts a section more than there are") {
        ++w[3];
        reseal(w);
        check_refused(w, {problem::section_past_end, sections, 0, 0, w.size(), ""});
    }
    SECTION("a section's length reaches past the end") {
        const section_at core = locate(w, section_kind::core, 1);
        w[core.start + 1] = static_cast<std::uint32_t>(w.size());
        check_refused(w, in_section(core, problem::section_past_end, core.start + 1));
    }
    SECTION("a section's length of 2^32 - 1 words") {
        const section_at chip = locate(w, section_kind::chip, 0);
        w[chip.start + 1] = 0xFFFFFFFFu;
        check_refused(w, in_section(chip, problem::section_past_end, chip.start + 1));
    }
    SECTION("a payload word changed without its checksum") {
        const section_at core = locate(w, section_kind::core, 1);
        w[core.payload + f_neurons] ^= 1u;
        check_refused(w, in_section(core, problem::bad_section_checksum, core.start + 3));
    }
    SECTION("a section's checksum word") {
        const section_at recording = locate(w, section_kind::recording);
        ++w[recording.start + 3];
        check_refused(w, in_section(recording, problem::bad_section_checksum, recording.start + 3));
    }
    SECTION("a kind that does not exist") {
        for (const std::uint32_t kind : {0u, 6u, 0xFFFFFFFFu}) {
            std::vector<std::uint32_t> d = w;
            const section_at chip = locate(d, section_kind::chip, 1);
            d[chip.start] = kind;
            INFO("kind " << kind);
            check_refused(d, {problem::bad_section_kind, chip.position, kind, 1, chip.start, ""});
        }
    }
    SECTION("the first section is not the machine") {
        w[image::header_words] = static_cast<std::uint32_t>(section_kind::chip);
        check_refused(w, {problem::bad_section_kind, 0, 2, 0, image::header_words, ""});
    }
    SECTION("a second machine section") {
        const section_at chip = locate(w, section_kind::chip, 0);
        w[chip.start] = static_cast<std::uint32_t>(section_kind::machine);
        check_refused(w, {problem::bad_section_kind, chip.position, 1, 0, chip.start, ""});
    }
    SECTION("a chip after a core") {
        const auto last = static_cast<std::uint32_t>(small_mapped().cores.size() - 1);
        const section_at core = locate(w, section_kind::core, last);
        w[core.start] = static_cast<std::uint32_t>(section_kind::chip);
        check_refused(w, {problem::bad_section_kind, core.position, 2, last, core.start, ""});
    }
    SECTION("a second recording section") {
        const section_at recording = locate(w, section_kind::recording);
        const std::vector<std::uint32_t> copy(
            w.begin() + static_cast<std::ptrdiff_t>(recording.start),
            w.begin() + static_cast<std::ptrdiff_t>(recording.end));
        w.insert(w.begin() + static_cast<std::ptrdiff_t>(recording.end), copy.begin(), copy.end());
        ++w[3];
        reseal(w);
        check_refused(w,
                      {problem::bad_section_kind, recording.position + 1, 4, 0, recording.end, ""});
    }
    SECTION("a second report section") {
        const section_at report = locate(w, section_kind::report);
        const std::vector<std::uint32_t> copy(w.begin() + static_cast<std::ptrdiff_t>(report.start),
                                              w.begin() + static_cast<std::ptrdiff_t>(report.end));
        w.insert(w.end(), copy.begin(), copy.end());
        ++w[3];
        reseal(w);
        check_refused(w, {problem::bad_section_kind, report.position + 1, 5, 0, report.end, ""});
    }
    SECTION("the recording after the report") {
        const section_at recording = locate(w, section_kind::recording);
        const std::vector<std::uint32_t> moved(
            w.begin() + static_cast<std::ptrdiff_t>(recording.start),
            w.begin() + static_cast<std::ptrdiff_t>(recording.end));
        w.erase(w.begin() + static_cast<std::ptrdiff_t>(recording.start),
                w.begin() + static_cast<std::ptrdiff_t>(recording.end));
        w.insert(w.end(), moved.begin(), moved.end());
        check_refused(w, {problem::bad_section_kind, recording.position + 1, 4, 0,
                          w.size() - moved.size(), ""});
    }
    SECTION("a chip's index skips one") {
        const section_at chip = locate(w, section_kind::chip, 1);
        w[chip.start + 2] = 2;
        check_refused(w, {problem::bad_section_index, chip.position, 2, 2, chip.start + 2, ""});
    }
    SECTION("a core's index repeats the one before") {
        const section_at core = locate(w, section_kind::core, 1);
        w[core.start + 2] = 0;
        check_refused(w, {problem::bad_section_index, core.position, 3, 0, core.start + 2, ""});
    }
    SECTION("the machine's, recording's or report's index is not 0") {
        for (const section_kind kind :
             {section_kind::machine, section_kind::recording, section_kind::report}) {
            std::vector<std::uint32_t> d = w;
            const section_at s = locate(d, kind);
            d[s.start + 2] = 1;
            INFO("kind " << static_cast<int>(kind));
            check_refused(d, {problem::bad_section_index, s.position, s.kind, 1, s.start + 2, ""});
        }
    }
}

TEST_CASE("image: check_image refuses section counts that disagree and words after the last field",
          "[mapper][image]") {
    std::vector<std::uint32_t> w = small_image();
    const section_at machine = locate(w, section_kind::machine);
    const std::size_t chips_field = machine.payload + 10 + 3 * w[machine.payload + m_dead];
    SECTION("the machine counts a chip more than there are") {
        ++w[chips_field];
        reseal(w);
        check_refused(w, {problem::bad_section_count, w[3], 0, 0, 3, ""});
    }
    SECTION("the machine counts a chip fewer than there are") {
        --w[chips_field];
        reseal(w);
        check_refused(w, {problem::bad_section_count, w[3], 0, 0, 3, ""});
    }
    SECTION("the machine counts a core more than there are") {
        ++w[chips_field + 1];
        reseal(w);
        check_refused(w, {problem::bad_section_count, w[3], 0, 0, 3, ""});
    }
    SECTION("no recording and no report") {
        remove_section(w, section_of(w, section_kind::report));
        remove_section(w, section_of(w, section_kind::recording));
        reseal(w);
        check_refused(w, {problem::bad_section_count, w[3], 0, 0, 3, ""});
    }
    SECTION("the machine alone") {
        w.resize(machine.end);
        w[3] = 1;
        w[chips_field] = 0;
        w[chips_field + 1] = 0;
        reseal(w);
        check_refused(w, {problem::bad_section_count, 1, 0, 0, 3, ""});
    }
    SECTION("no section") {
        w.resize(image::header_words);
        w[3] = 0;
        reseal(w);
        check_refused(w, {problem::bad_section_count, 0, 0, 0, 3, ""});
    }
    SECTION("a word after the last section") {
        const std::size_t end = w.size();
        w.push_back(0);
        reseal(w);
        check_refused(w, {problem::trailing_words, w[3], 0, 0, end, ""});
    }
    SECTION("a word after a section's last field") {
        for (const section_kind kind :
             {section_kind::machine, section_kind::chip, section_kind::core,
              section_kind::recording, section_kind::report}) {
            std::vector<std::uint32_t> d = w;
            const section_at s = locate(d, kind);
            insert_into(d, s.position, s.end - s.payload, {0u});
            reseal(d);
            INFO("kind " << static_cast<int>(kind));
            check_refused(d, in_section(s, problem::trailing_words, s.end));
        }
    }
}

TEST_CASE("image: check_image refuses a section that ends inside a field", "[mapper][image]") {
    std::vector<std::uint32_t> w = small_image();
    // Cuts section `s`'s payload to `keep` words.
    auto cut = [&](const section_at& s, std::size_t keep) {
        w.erase(w.begin() + static_cast<std::ptrdiff_t>(s.payload + keep),
                w.begin() + static_cast<std::ptrdiff_t>(s.end));
        w[s.start + 1] = static_cast<std::uint32_t>(keep);
        reseal(w);
    };
    SECTION("a core's counts") {
        const section_at core = locate(w, section_kind::core, 0);
        cut(core, f_key);
        check_refused(w, in_section(core, problem::truncated_field, core.payload + f_key, "key"));
    }
    SECTION("a core's synaptic words") {
        const core_at core =
            find_core(w, [](const core_at& c) { return c.view.synaptic_words > 0; });
        cut(core, core.end - core.payload - 1);
        check_refused(w, in_section(core, problem::truncated_field, core.words, "synaptic words"));
    }
    SECTION("a core's master table") {
        const core_at core =
            find_core(w, [](const core_at& c) { return c.view.master_entries > 0; });
        cut(core, core.master - core.payload + 3);
        check_refused(w, in_section(core, problem::truncated_field, core.master, "master table"));
    }
    SECTION("a core's program") {
        const core_at core = locate_core(w, 0);
        cut(core, f_words + 1 + core.view.program_words / 2);
        check_refused(w, in_section(core, problem::truncated_field, core.program, "program"));
    }
    SECTION("a lookup table's samples") {
        const core_at core = locate_core(w, 0);
        // One table of 2^4 + 1 samples announced, with 5 samples present before the section ends.
        w[core.payload + f_tables] = 1;
        const std::vector<std::uint32_t> table{0u, 2u | 4u << 8, 1u, 2u, 3u, 4u, 5u};
        std::vector<std::uint32_t> d = w;
        d.erase(d.begin() + static_cast<std::ptrdiff_t>(core.tables),
                d.begin() + static_cast<std::ptrdiff_t>(core.end));
        d.insert(d.begin() + static_cast<std::ptrdiff_t>(core.tables), table.begin(), table.end());
        d[core.start + 1] = static_cast<std::uint32_t>(core.tables + table.size() - core.payload);
        reseal(d);
        check_refused(d,
                      in_section(core, problem::truncated_field, core.tables + 2, "table samples"));
    }
    SECTION("the machine's board name") {
        const section_at machine = locate(w, section_kind::machine);
        const std::size_t name = machine.payload + 13 + 3 * w[machine.payload + m_dead];
        REQUIRE(w[name] == 6); // "inline"
        cut(machine, name - machine.payload + 1);
        check_refused(w, in_section(machine, problem::truncated_field, name + 1, "board name"));
    }
    SECTION("the machine's dead links") {
        const section_at machine = locate(w, section_kind::machine);
        w[machine.payload + m_dead] = 1000;
        reseal(w);
        check_refused(w, in_section(machine, problem::truncated_field, machine.payload + m_dead + 1,
                                    "dead links"));
    }
    SECTION("a chip's routing entries") {
        const section_at chip = locate(w, section_kind::chip, 0);
        w[chip.payload + 2] += 1;
        reseal(w);
        check_refused(
            w, in_section(chip, problem::truncated_field, chip.payload + 3, "routing entries"));
    }
    SECTION("the recording's trace path") {
        const section_at recording = locate(w, section_kind::recording);
        cut(recording, 3);
        check_refused(w, in_section(recording, problem::truncated_field, recording.payload + 2,
                                    "trace path"));
    }
    SECTION("the recording's event files") {
        const section_at recording = locate(w, section_kind::recording);
        // One trace file: its path ("volts.dat": length and 3 words), columns, 3 columns of 5
        // words.
        const std::size_t events = recording.payload + 1 + 4 + 1 + 3 * 5;
        REQUIRE(w[events] == 1);
        cut(recording, events - recording.payload);
        check_refused(w, in_section(recording, problem::truncated_field, events, "event files"));
    }
    SECTION("the report's text") {
        const section_at report = locate(w, section_kind::report);
        cut(report, 2);
        check_refused(w,
                      in_section(report, problem::truncated_field, report.payload + 1, "report"));
    }
}

TEST_CASE("image: check_image refuses machine and chip fields outside their ranges",
          "[mapper][image]") {
    std::vector<std::uint32_t> w = small_image();
    const section_at machine = locate(w, section_kind::machine);
    auto set = [&](std::size_t offset, std::uint32_t value) {
        w[offset] = value;
        reseal(w);
    };
    SECTION("the machine") {
        std::string name = "time step";
        SECTION("a time step of 0") {
            w[machine.payload] = 0;
            w[machine.payload + 1] = 0;
        }
        SECTION("a negative time step") {
            const auto dt = real_words(-1e-4);
            std::copy(dt.begin(), dt.end(),
                      w.begin() + static_cast<std::ptrdiff_t>(machine.payload));
        }
        SECTION("a time step that is not a number") {
            const auto dt = real_words(std::numeric_limits<double>::quiet_NaN());
            std::copy(dt.begin(), dt.end(),
                      w.begin() + static_cast<std::ptrdiff_t>(machine.payload));
        }
        SECTION("a grid 0 chips wide") {
            w[machine.payload + m_width] = 0;
            name = "grid width";
        }
        SECTION("a grid 4097 chips wide") {
            w[machine.payload + m_width] = 4097;
            name = "grid width";
        }
        SECTION("a grid 0 chips high") {
            w[machine.payload + m_height] = 0;
            name = "grid height";
        }
        SECTION("a grid 4097 chips high") {
            w[machine.payload + m_height] = 4097;
            name = "grid height";
        }
        SECTION("topology 3") {
            w[machine.payload + m_topology] = 3;
            name = "topology";
        }
        SECTION("wraps 2") {
            w[machine.payload + m_wraps] = 2;
            name = "wraps";
        }
        SECTION("no groups") {
            const std::size_t groups = machine.payload + 12 + 3 * w[machine.payload + m_dead];
            w[groups] = 0;
            name = "groups";
        }
        reseal(w);
        check_out_of_range(w, machine, name.c_str());
    }
    SECTION("a dead link") {
        REQUIRE(w[machine.payload + m_dead] >= 1);
        const std::size_t link = machine.payload + m_dead + 1;
        SECTION("x beyond the grid") { set(link, 3); }
        SECTION("y beyond the grid") { set(link + 1, 3); }
        SECTION("direction 6") { set(link + 2, 6); }
        check_out_of_range(w, machine, "dead link");
    }
    SECTION("a chip beyond the grid") {
        const section_at chip = locate(w, section_kind::chip, 2);
        std::string name;
        SECTION("x") {
            set(chip.payload, 3);
            name = "chip x or y";
        }
        SECTION("y") {
            set(chip.payload + 1, 0xFFFFFFFFu);
            name = "chip x or y";
        }
        check_out_of_range(w, chip, name.c_str());
    }
    SECTION("the largest grid and time step are accepted") {
        set(machine.payload + m_width, 4096);
        set(machine.payload + m_height, 4096);
        CHECK(image::check_image(w.data(), w.size()));
    }
}

TEST_CASE("image: check_image refuses core fields outside their ranges", "[mapper][image]") {
    std::vector<std::uint32_t> w = small_image();
    // A core with a master table, blocks and synaptic words, of two neurons (key mask 0xFFFFFFFE).
    const core_at c = find_core(w, [](const core_at& k) {
        return k.view.master_entries >= 1 && k.view.synaptic_words >= 1 && k.view.neurons == 2;
    });
    INFO("core section " << c.index);
    const std::size_t machine_groups = locate(w, section_kind::machine).payload + 12 +
                                       3 * w[locate(w, section_kind::machine).payload + m_dead];
    auto field = [&](core_field f) -> std::uint32_t& { return w[c.payload + f]; };
    // Inserts `count` words at `offset` of the image, inside the core's section.
    auto grow = [&](std::size_t offset, std::size_t count) {
        insert_into(w, c.position, offset - c.payload, std::vector<std::uint32_t>(count, 0u));
    };
    std::string name;
    SECTION("chip x") {
        name = "chip x";
        field(f_x) = 3;
    }
    SECTION("chip y") {
        name = "chip y";
        field(f_y) = 7;
    }
    SECTION("application core 26") {
        name = "core";
        field(f_core) = 26;
    }
    SECTION("a group the machine has not") {
        name = "group";
        field(f_group) = w[machine_groups];
    }
    SECTION("neurons") {
        name = "neurons";
        SECTION("none") { field(f_neurons) = 0; }
        SECTION("257, with their state words") {
            grow(c.master, (257 - 2) * std::size_t{c.view.state_words});
            field(f_neurons) = 257;
        }
    }
    SECTION("1025 state words, with their words") {
        name = "state words";
        grow(c.master, 2 * (1025 - std::size_t{c.view.state_words}));
        field(f_state_words) = 1025;
    }
    SECTION("17 input channels") {
        name = "input channels";
        field(f_channels) = 17;
    }
    SECTION("delay slots") {
        name = "delay slots";
        SECTION("none") { field(f_slots) = 0; }
        SECTION("3") { field(f_slots) = 3; }
        SECTION("32") { field(f_slots) = 32; }
    }
    SECTION("4097 program words") {
        name = "program words";
        grow(c.constants, 4097 - std::size_t{c.view.program_words});
        field(f_program) = 4097;
    }
    SECTION("1025 constants") {
        name = "constants";
        grow(c.tables, 1025 - std::size_t{c.view.constant_count});
        field(f_constants) = 1025;
    }
    SECTION("17 lookup tables") {
        name = "tables";
        std::vector<std::uint32_t> tables;
        for (int t = 0; t < 17; ++t) {
            tables.insert(tables.end(),
                          {0u, 0u, 7u, 8u}); // x0, step 0 and 2^0 intervals, 2 samples
        }
        insert_into(w, c.position, c.tables - c.payload, tables);
        field(f_tables) = 17;
    }
    SECTION("sends 2") {
        name = "sends";
        field(f_sends) = 2;
    }
    SECTION("key and mask") {
        name = "key and mask";
        REQUIRE(field(f_mask) == 0xFFFFFFFEu);
        SECTION("a key bit outside the mask") { field(f_key) |= 1u; }
        SECTION("a mask that leaves bit 8 to the neuron") {
            field(f_mask) = 0xFFFFFE00u;
            field(f_key) &= 0xFFFFFE00u;
        }
        SECTION("a mask too narrow for the neurons") { field(f_mask) = 0xFFFFFFFFu; }
    }
    SECTION("a lookup table's shape") {
        name = "table step and size";
        std::uint32_t shape = 0;
        SECTION("step 31") { shape = 31u; }
        SECTION("2^17 intervals") { shape = 17u << 8; }
        SECTION("bits above 16") { shape = 1u << 16; }
        insert_into(w, c.position, c.tables - c.payload, {0u, shape, 1u, 2u});
        field(f_tables) = 1;
    }
    SECTION("a master table entry") {
        name = "master table entry";
        const std::size_t entry = c.master;
        SECTION("a key outside its mask") {
            w[entry + 1] &= ~1u;
            w[entry] |= 1u;
        }
        SECTION("blocks past the core's") { w[entry + 3] = c.view.blocks + 1; }
        SECTION("a first block past the core's") { w[entry + 2] = c.view.blocks; }
        SECTION("first block + blocks wrapping around 2^32") {
            w[entry + 2] = 0xFFFFFFFFu;
            w[entry + 3] = 2;
        }
    }
    SECTION("the master table out of order") {
        name = "master table order";
        const std::vector<std::uint32_t> copy(w.begin() + static_cast<std::ptrdiff_t>(c.master),
                                              w.begin() +
                                                  static_cast<std::ptrdiff_t>(c.master + 4));
        insert_into(w, c.position, c.blocks - c.payload, copy); // the same key twice
        field(f_master) += 1;
    }
    SECTION("a row block") {
        name = "row block";
        SECTION("257 source neurons") { w[c.blocks + 1] = 257; }
        SECTION("offsets past the core's") { w[c.blocks + 2] = c.view.offsets - w[c.blocks + 1]; }
        SECTION("a first offset wrapping around") { w[c.blocks + 2] = 0xFFFFFFFFu; }
    }
    SECTION("a row offset past the synaptic words") {
        name = "row offset";
        w[c.offsets + c.view.offsets - 1] = c.view.synaptic_words + 1;
    }
    SECTION("row offsets out of order") {
        name = "row offsets order";
        std::size_t at = c.offsets;
        while (at + 1 < c.words && w[at] == w[at + 1]) {
            ++at;
        }
        REQUIRE(at + 1 < c.words);
        std::swap(w[at], w[at + 1]);
    }
    reseal(w);
    check_out_of_range(w, locate(w, c.position), name);
}

TEST_CASE("image: check_image refuses recording fields outside their ranges", "[mapper][image]") {
    std::vector<std::uint32_t> w = small_image();
    const section_at recording = locate(w, section_kind::recording);
    const std::uint32_t cores = static_cast<std::uint32_t>(small_mapped().cores.size());
    // The trace file: count, path "volts.dat" (length and 3 words), 3 columns of core, neuron,
    // slot, unit.
    const std::size_t column = recording.payload + 1 + 4 + 1;
    const std::size_t constant = column + 2 * 5;
    REQUIRE(w[constant] == image::constant_column);
    // The event file after it: count, path "out/spikes.dat" (length and 4 words), format,
    // selections, then core, neuron, id "s" (2 words) each.
    const std::size_t events = constant + 5;
    const std::size_t format = events + 1 + 5;
    const std::size_t selection = format + 2;
    std::string name;
    SECTION("a trace column") {
        name = "trace column";
        SECTION("of a core the machine has not") { w[column] = cores; }
        SECTION("of neuron 256") { w[column + 1] = 256; }
        SECTION("of state word 1024") { w[column + 2] = 1024; }
    }
    SECTION("event format 2") {
        name = "event format";
        w[format] = 2;
    }
    SECTION("an event selection") {
        name = "event selection";
        SECTION("of a core the machine has not") { w[selection] = cores; }
        SECTION("of neuron 256") { w[selection + 1] = 256; }
    }
    reseal(w);
    check_out_of_range(w, recording, name);
}

TEST_CASE("image: check_image accepts the largest values of every range", "[mapper][image]") {
    std::vector<std::uint32_t> w = small_image();
    const section_at recording = locate(w, section_kind::recording);
    const std::size_t column = recording.payload + 1 + 4 + 1;
    SECTION("a constant column names no core") {
        w[column + 2 * 5 + 1] = 0xFFFFFFFFu;
        w[column + 2 * 5 + 2] = 0xFFFFFFFFu;
    }
    SECTION("a column of neuron 255, state word 1023") {
        w[column + 1] = 255;
        w[column + 2] = 1023;
    }
    SECTION("a core of 16 channels, 16 delay slots, on application core 25") {
        const core_at c = locate_core(w, 0);
        w[c.payload + f_channels] = 16;
        w[c.payload + f_slots] = 16;
        w[c.payload + f_core] = 25;
    }
    SECTION("an empty lookup table of step 30 and 2^16 intervals") {
        const core_at c = locate_core(w, 0);
        std::vector<std::uint32_t> table{0u, 30u | 16u << 8};
        table.resize(table.size() + (1u << 16) + 1, 0u);
        insert_into(w, c.position, c.tables - c.payload, table);
        w[c.payload + f_tables] = 1;
    }
    reseal(w);
    const image::check_result r = image::check_image(w.data(), w.size());
    INFO(image::describe(r.what) << " (" << r.field << ") at word " << r.offset);
    CHECK(r);
}

TEST_CASE("image: a refused field is reported at its own word", "[mapper][image]") {
    // docs/image-format.md: the reader names "the word offset in the file where the problem is".
    std::vector<std::uint32_t> w = small_image();
    SECTION("a core's neurons") {
        const core_at c = locate_core(w, 0);
        w[c.payload + f_neurons] = 0;
        reseal(w);
        check_refused(w, in_section(c, problem::bad_field, c.payload + f_neurons, "neurons"));
    }
    SECTION("the machine's grid width") {
        const section_at machine = locate(w, section_kind::machine);
        w[machine.payload + m_width] = 0;
        reseal(w);
        check_refused(
            w, in_section(machine, problem::bad_field, machine.payload + m_width, "grid width"));
    }
    SECTION("a master table entry") {
        const core_at c = find_core(w, [](const core_at& k) { return k.view.master_entries >= 1; });
        w[c.master + 3] = c.view.blocks + 1;
        reseal(w);
        check_refused(w, in_section(c, problem::bad_field, c.master, "master table entry"));
    }
}

TEST_CASE("image: an image without a recording section is refused", "[mapper][image]") {
    // docs/image-format.md: one recording section is required, the report is optional.
    std::vector<std::uint32_t> w = small_image();
    remove_section(w, section_of(w, section_kind::recording));
    reseal(w);
    const image::check_result r = image::check_image(w.data(), w.size());
    CHECK(r.what == problem::bad_section_count);
    CHECK(r.offset == 3);
}

TEST_CASE("image: a lookup table of 2^255 intervals is refused without undefined behaviour",
          "[mapper][image]") {
    // A shift by 64 or more would be undefined: the table is refused before its samples are
    // counted (found by fuzz_image).
    std::vector<std::uint32_t> w = small_image();
    const std::size_t core = section_of(w, section_kind::core, 0);
    const std::size_t payload = section_starts(w)[core] + image::section_header_words;
    image::cursor c(w.data() + payload, w.data() + payload + w[payload - 3]);
    image::core_view v;
    REQUIRE(image::read_core(c, v));
    const auto tables = static_cast<std::size_t>(v.tables - w.data());
    insert_into(w, core, tables - payload, {0u, 0xFFu << 8, 1u, 2u});
    w[payload + 15] = 1;
    reseal(w);
    const image::check_result r = image::check_image(w.data(), w.size());
    CHECK(r.what == problem::bad_field);
    CHECK(std::string(r.field) == "table step and size");
}
