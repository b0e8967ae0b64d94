#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/assert.hpp>
#include <sf/firmware/image_cursor.hpp>
#include <sf/firmware/image_format.hpp>
#include <sf/firmware/image_views.hpp>

// The checks of a whole board image held in memory, before anything uses it: every length,
// offset, checksum and field range (docs/image-format.md). Freestanding.
namespace sf::firmware::image {

// Why an image is refused.
enum class problem : std::uint8_t {
    none,
    too_short, // shorter than a header
    bad_magic,
    bad_version,
    bad_length, // the header's word count is not the image's
    bad_header_checksum,
    section_past_end, // a section's payload reaches past the image
    bad_section_checksum,
    bad_section_kind,  // a kind that does not exist, or out of the order machine, chips, cores,
                       // recording
    bad_section_index, // not the next chip or core number, or not 0
    bad_section_count, // the header, the machine section and the sections present disagree
    truncated_field,   // a section ends inside a field
    bad_field,         // a value outside its range
    trailing_words,    // a section's payload is longer than its fields
};

constexpr const char* describe(problem p) {
    switch (p) {
    case problem::none: return "valid";
    case problem::too_short: return "shorter than the image header";
    case problem::bad_magic: return "not a spikeforge board image (magic number)";
    case problem::bad_version: return "an image format version this build does not read";
    case problem::bad_length: return "the header's length is not the image's";
    case problem::bad_header_checksum: return "the header's checksum does not match";
    case problem::section_past_end: return "a section reaches past the end of the image";
    case problem::bad_section_checksum: return "a section's checksum does not match";
    case problem::bad_section_kind: return "a section of unknown kind or out of order";
    case problem::bad_section_index: return "a section's index is not the next one";
    case problem::bad_section_count:
        return "the number of sections disagrees with the header or the machine section";
    case problem::truncated_field: return "a section ends inside a field";
    case problem::bad_field: return "a field outside its range";
    case problem::trailing_words: return "a section has words after its last field";
    }
    return "?";
}

// The first problem found: where it is (the section's position in the file, its kind and index,
// and the word offset in the image) and what.
struct check_result {
    problem what = problem::none;
    std::uint32_t section = 0; // position among the sections, from 0; header problems: 0
    std::uint32_t kind = 0;    // the section's kind word, 0 for the header
    std::uint32_t index = 0;   // the section's index word
    std::size_t offset = 0;    // word offset in the image
    const char* field = "";    // the field, for truncated_field and bad_field
    explicit constexpr operator bool() const { return what == problem::none; }
};

namespace detail {

constexpr bool power_of_two(std::uint32_t n) { return n != 0 && (n & (n - 1)) == 0; }

// Everything a core section's fields must satisfy besides their presence, but its synaptic matrix.
inline void check_core_fields(cursor& c, const core_view& v, const machine_view& m) {
    const std::uint32_t* f = v.fields;
    if (v.x >= m.width) {
        c.refuse("chip x", f + 0);
    } else if (v.y >= m.height) {
        c.refuse("chip y", f + 1);
    } else if (v.core >= max_cores_per_chip) {
        c.refuse("core", f + 2);
    } else if (v.group >= m.groups) {
        c.refuse("group", f + 3);
    } else if (v.neurons == 0 || v.neurons > max_neurons) {
        c.refuse("neurons", f + 5);
    } else if (v.state_words > max_state_words) {
        c.refuse("state words", f + 6);
    } else if (v.input_channels > max_input_channels) {
        c.refuse("input channels", f + 7);
    } else if (!power_of_two(v.delay_slots) || v.delay_slots > max_delay_slots) {
        c.refuse("delay slots", f + 8);
    } else if ((v.key & ~v.mask) != 0 || (~v.mask >> neuron_key_bits) != 0 ||
               (~v.mask) + 1u < v.neurons) {
        c.refuse("key and mask", f + 10);
    } else if (v.sends > 1) {
        c.refuse("sends", f + 12);
    } else if (v.program_words > max_program_length) {
        c.refuse("program words", f + 13);
    } else if (v.constant_count > max_constants) {
        c.refuse("constants", f + 14);
    } else if (v.table_count > max_tables) {
        c.refuse("tables", f + 15);
    }
}

// The synaptic matrix: every block and offset inside its arrays, offsets non-decreasing, holds
// within what a run can wait.
inline void check_core_matrix(cursor& c, const core_view& v) {
    for (std::uint32_t e = 0; e < v.master_entries; ++e) {
        const std::uint32_t* entry = v.master + 4 * e;
        if ((entry[0] & ~entry[1]) != 0 || std::uint64_t{entry[2]} + entry[3] > v.blocks) {
            c.refuse("master table entry", entry);
            return;
        }
        if (e > 0 && entry[0] <= v.master[4 * (e - 1)]) {
            c.refuse("master table order", entry);
            return;
        }
    }
    for (std::uint32_t b = 0; b < v.blocks; ++b) {
        const std::uint32_t* block = v.block_words + 3 * b;
        if (block[0] > max_hold) {
            c.refuse("row block hold", block);
            return;
        }
        if (block[1] > max_neurons || std::uint64_t{block[2]} + block[1] + 1 > v.offsets) {
            c.refuse("row block", block + 1);
            return;
        }
    }
    for (std::uint32_t o = 0; o < v.offsets; ++o) {
        if (v.row_offsets[o] > v.synaptic_words) {
            c.refuse("row offset", v.row_offsets + o);
            return;
        }
    }
    for (std::uint32_t b = 0; b < v.blocks; ++b) {
        const std::uint32_t* block = v.block_words + 3 * b;
        for (std::uint32_t i = 0; i < block[1]; ++i) {
            if (v.row_offsets[block[2] + i] > v.row_offsets[block[2] + i + 1]) {
                c.refuse("row offsets order", v.row_offsets + block[2] + i + 1);
                return;
            }
        }
    }
}

inline void skip_text(cursor& c, const char* field) {
    std::uint32_t length = 0;
    c.text(length, field);
}

inline void check_recording(cursor& c, const machine_view& m) {
    const std::uint32_t files = c.word("trace files");
    for (std::uint32_t f = 0; f < files && c.ok(); ++f) {
        skip_text(c, "trace path");
        const std::uint32_t columns = c.word("trace columns");
        for (std::uint32_t k = 0; k < columns && c.ok(); ++k) {
            const std::uint32_t* column = c.position();
            const std::uint32_t core = c.word("column core");
            const std::uint32_t neuron = c.word("column neuron");
            const std::uint32_t slot = c.word("column state word");
            c.wide("column unit");
            if (c.ok() && core != constant_column &&
                (core >= m.cores || neuron >= max_neurons || slot >= max_state_words)) {
                c.refuse("trace column", column);
            }
        }
    }
    const std::uint32_t event_files = c.word("event files");
    for (std::uint32_t f = 0; f < event_files && c.ok(); ++f) {
        skip_text(c, "event path");
        const std::uint32_t* format = c.position();
        const std::uint32_t id_first = c.word("event format");
        if (c.ok() && id_first > 1) {
            c.refuse("event format", format);
        }
        const std::uint32_t selections = c.word("event selections");
        for (std::uint32_t s = 0; s < selections && c.ok(); ++s) {
            const std::uint32_t* selection = c.position();
            const std::uint32_t core = c.word("selection core");
            const std::uint32_t neuron = c.word("selection neuron");
            skip_text(c, "selection id");
            if (c.ok() && (core >= m.cores || neuron >= max_neurons)) {
                c.refuse("event selection", selection);
            }
        }
    }
}

constexpr std::uint32_t max_grid_side = 4096;
constexpr std::uint32_t topology_count = 3; // mesh, torus, hexagonal

// The header's fields; problem::none when they hold.
constexpr problem check_header(const std::uint32_t* words, std::size_t count, std::size_t& offset) {
    offset = 0;
    if (words == nullptr || count < header_words) {
        return problem::too_short;
    }
    if (words[0] != magic) {
        return problem::bad_magic;
    }
    offset = 1;
    if (words[1] != version) {
        return problem::bad_version;
    }
    offset = 2;
    if (words[2] != count) {
        return problem::bad_length;
    }
    offset = 5;
    if (checksum(words, 5) != words[5]) {
        return problem::bad_header_checksum;
    }
    return problem::none;
}

inline void check_machine(cursor& c, const machine_view& machine) {
    const std::uint32_t* f = machine.fields;
    if (!(machine.dt > 0.0)) {
        c.refuse("time step", f);
    } else if (machine.width == 0 || machine.width > max_grid_side) {
        c.refuse("grid width", f + 5);
    } else if (machine.height == 0 || machine.height > max_grid_side) {
        c.refuse("grid height", f + 6);
    } else if (machine.topology >= topology_count) {
        c.refuse("topology", f + 7);
    } else if (machine.wraps > 1) {
        c.refuse("wraps", f + 8);
    } else if (machine.groups == 0) {
        c.refuse("groups", machine.dead + 3 * machine.dead_links + 2);
    }
    for (std::uint32_t d = 0; d < machine.dead_links && c.ok(); ++d) {
        const std::uint32_t* link = machine.dead + 3 * d;
        if (link[0] >= machine.width || link[1] >= machine.height || link[2] >= link_count) {
            c.refuse("dead link", link);
        }
    }
}

// What the sections seen so far add up to: the machine, how many chips and cores, the kind of the
// last section and whether the recording was there.
struct section_tally {
    machine_view machine;
    std::uint32_t chips = 0;
    std::uint32_t cores = 0;
    std::uint32_t last_kind = 0;
    bool recording = false;
};

// Order: machine first (once), then chips, then cores, then the recording (once), then the report
// (once, optional). Chips and cores are numbered from 0 in order; the others have index 0.
constexpr problem check_order(std::uint32_t position, std::uint32_t kind, std::uint32_t index,
                              const section_tally& seen) {
    const auto is = [kind](section_kind k) { return kind == static_cast<std::uint32_t>(k); };
    const bool known = kind >= static_cast<std::uint32_t>(section_kind::machine) &&
                       kind <= static_cast<std::uint32_t>(section_kind::report);
    const bool once = is(section_kind::recording) || is(section_kind::report);
    const bool in_order =
        known && (position == 0 ? is(section_kind::machine)
                                : (!is(section_kind::machine) && kind >= seen.last_kind &&
                                   !(once && kind == seen.last_kind)));
    if (!in_order) {
        return problem::bad_section_kind;
    }
    const std::uint32_t expected_index =
        is(section_kind::chip) ? seen.chips : (is(section_kind::core) ? seen.cores : 0);
    return index == expected_index ? problem::none : problem::bad_section_index;
}

// The fields of one section, by its kind; a core's synaptic matrix when `matrices`.
inline void check_fields(cursor& c, section_kind kind, section_tally& seen, bool matrices) {
    switch (kind) {
    case section_kind::machine:
        if (read_machine(c, seen.machine)) {
            check_machine(c, seen.machine);
        }
        break;
    case section_kind::chip: {
        chip_view chip;
        if (read_chip(c, chip) && (chip.x >= seen.machine.width || chip.y >= seen.machine.height)) {
            c.refuse("chip x or y", chip.x >= seen.machine.width ? chip.fields : chip.fields + 1);
        }
        ++seen.chips;
        break;
    }
    case section_kind::core: {
        core_view core;
        if (read_core(c, core)) {
            check_core_fields(c, core, seen.machine);
            if (c.ok() && matrices) {
                check_core_matrix(c, core);
            }
        }
        ++seen.cores;
        break;
    }
    case section_kind::recording:
        seen.recording = true;
        check_recording(c, seen.machine);
        break;
    case section_kind::report: skip_text(c, "report"); break;
    }
}

} // namespace detail

// How much of each core section check_image checks: everything, or all but its checksum and
// synaptic matrix, which a process that steps only some of the cores checks for those alone
// (check_core_section), so that it need not read the other cores' matrices at all.
enum class core_sections : std::uint8_t { whole, without_matrices };

// Checks the whole image: header, every section's bounds, kind, order, index and checksum, and
// every field inside it (core sections as `cores` says). The first problem is returned with where
// it is.
inline check_result check_image(const std::uint32_t* words, std::size_t count,
                                core_sections cores = core_sections::whole) {
    check_result r;
    auto fail = [&](problem what, std::size_t offset) {
        r.what = what;
        r.offset = offset;
        return r;
    };
    std::size_t header_offset = 0;
    if (const problem p = detail::check_header(words, count, header_offset); p != problem::none) {
        return fail(p, header_offset);
    }
    const std::uint32_t sections = words[3];
    detail::section_tally seen;
    std::size_t at = header_words;
    for (std::uint32_t s = 0; s < sections; ++s) {
        r.section = s;
        r.kind = 0;
        r.index = 0;
        if (count - at < section_header_words) {
            return fail(problem::section_past_end, at);
        }
        const std::uint32_t kind = words[at];
        const std::uint32_t length = words[at + 1];
        r.kind = kind;
        r.index = words[at + 2];
        const std::size_t payload = at + section_header_words;
        if (length > count - payload) {
            return fail(problem::section_past_end, at + 1);
        }
        const bool whole =
            cores == core_sections::whole || kind != static_cast<std::uint32_t>(section_kind::core);
        if (whole && checksum(words + payload, length) != words[at + 3]) {
            return fail(problem::bad_section_checksum, at + 3);
        }
        if (const problem p = detail::check_order(s, kind, r.index, seen); p != problem::none) {
            return fail(p, p == problem::bad_section_kind ? at : at + 2);
        }
        seen.last_kind = kind;
        cursor c(words + payload, words + payload + length);
        detail::check_fields(c, static_cast<section_kind>(kind), seen, whole);
        if (!c.ok()) {
            r.field = c.failed_field();
            return fail(c.out_of_range() ? problem::bad_field : problem::truncated_field,
                        static_cast<std::size_t>(c.problem_position() - words));
        }
        if (!c.done()) {
            return fail(problem::trailing_words, static_cast<std::size_t>(c.position() - words));
        }
        at = payload + length;
    }
    r.section = sections;
    r.kind = 0;
    r.index = 0;
    if (at != count) {
        return fail(problem::trailing_words, at);
    }
    if (sections < 2 || !seen.recording || seen.chips != seen.machine.chips ||
        seen.cores != seen.machine.cores) {
        return fail(problem::bad_section_count, 3);
    }
    return r;
}

// What check_image(..., core_sections::without_matrices) left out of one core section of a
// checked image: its checksum and its synaptic matrix. `at` is the word offset of the section's
// header and `section` its position among the sections, for the result.
inline check_result check_core_section(const std::uint32_t* words, std::size_t at,
                                       std::uint32_t section) {
    check_result r;
    r.section = section;
    r.kind = words[at];
    r.index = words[at + 2];
    const std::size_t payload = at + section_header_words;
    const std::uint32_t length = words[at + 1];
    if (checksum(words + payload, length) != words[at + 3]) {
        r.what = problem::bad_section_checksum;
        r.offset = at + 3;
        return r;
    }
    cursor c(words + payload, words + payload + length);
    core_view core;
    const bool read = read_core(c, core);
    SF_ASSERT(read); // its fields were checked with the image
    detail::check_core_matrix(c, core);
    if (!c.ok()) {
        r.what = c.out_of_range() ? problem::bad_field : problem::truncated_field;
        r.field = c.failed_field();
        r.offset = static_cast<std::size_t>(c.problem_position() - words);
    }
    return r;
}

} // namespace sf::firmware::image
