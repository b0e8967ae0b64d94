#pragma once

#include <cstddef>
#include <cstdint>

// The board image (docs/image-format.md): its constants, its checksum, and a reader that checks
// every length, offset and checksum of an image held in memory before anything uses it, then
// gives views into it. Freestanding: nothing is copied or allocated; views point into the words.
namespace sf::firmware::image {

constexpr std::uint32_t magic = 0x4D494653u; // "SFIM"
constexpr std::uint32_t version = 1;
constexpr std::size_t header_words = 6;
constexpr std::size_t section_header_words = 4;
constexpr std::uint32_t constant_column = 0xFFFFFFFFu;
constexpr std::uint32_t max_hold = 1u << 24; // steps a row may wait after its spike arrives

enum class section_kind : std::uint32_t { machine = 1, chip = 2, core = 3, recording = 4, report = 5 };

namespace detail {

struct crc_table {
    std::uint32_t entry[256] = {};
};

constexpr crc_table make_crc_table() {
    crc_table t;
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        t.entry[n] = c;
    }
    return t;
}

inline constexpr crc_table crc = make_crc_table();

} // namespace detail

// CRC-32 (IEEE, as zlib) of the words' bytes, little-endian.
constexpr std::uint32_t checksum(const std::uint32_t* words, std::size_t count) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t w = 0; w < count; ++w) {
        for (int b = 0; b < 4; ++b) {
            const std::uint32_t byte = (words[w] >> (8 * b)) & 0xFFu;
            c = detail::crc.entry[(c ^ byte) & 0xFFu] ^ (c >> 8);
        }
    }
    return c ^ 0xFFFFFFFFu;
}

// Why an image is refused.
enum class problem : std::uint8_t {
    none,
    too_short,           // shorter than a header
    bad_magic,
    bad_version,
    bad_length,          // the header's word count is not the image's
    bad_header_checksum,
    section_past_end,    // a section's payload reaches past the image
    bad_section_checksum,
    bad_section_kind,    // a kind that does not exist, or out of the order machine, chips, cores, recording
    bad_section_index,   // not the next chip or core number, or not 0
    bad_section_count,   // the header, the machine section and the sections present disagree
    truncated_field,     // a section ends inside a field
    bad_field,           // a value outside its range
    trailing_words,      // a section's payload is longer than its fields
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
    case problem::bad_section_count: return "the number of sections disagrees with the header or the machine section";
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
    std::uint32_t section = 0;   // position among the sections, from 0; header problems: 0
    std::uint32_t kind = 0;      // the section's kind word, 0 for the header
    std::uint32_t index = 0;     // the section's index word
    std::size_t offset = 0;      // word offset in the image
    const char* field = "";      // the field, for truncated_field and bad_field
    explicit constexpr operator bool() const { return what == problem::none; }
};

// Reads fields of one section in order, never past its end.
class cursor {
public:
    constexpr cursor(const std::uint32_t* begin, const std::uint32_t* end) : at_(begin), end_(end) {}

    constexpr bool ok() const { return ok_; }
    constexpr bool done() const { return at_ == end_; }
    constexpr const std::uint32_t* position() const { return at_; }
    constexpr const char* failed_field() const { return field_; }
    constexpr bool out_of_range() const { return range_; }

    constexpr std::uint32_t word(const char* field) {
        if (!ok_ || at_ == end_) {
            fail(field);
            return 0;
        }
        return *at_++;
    }
    constexpr std::uint64_t wide(const char* field) {
        const std::uint64_t low = word(field);
        const std::uint64_t high = word(field);
        return low | high << 32;
    }
    constexpr double real(const char* field) {
        const std::uint64_t bits = wide(field);
        return __builtin_bit_cast(double, bits);
    }
    // `count` words; null (and failed) when fewer remain.
    constexpr const std::uint32_t* words(std::uint64_t count, const char* field) {
        if (!ok_ || count > static_cast<std::uint64_t>(end_ - at_)) {
            fail(field);
            return nullptr;
        }
        const std::uint32_t* start = at_;
        at_ += count;
        return start;
    }
    // A string: its bytes in place, and their number.
    const char* text(std::uint32_t& length, const char* field) {
        length = word(field);
        const std::uint32_t* body = words((std::uint64_t{length} + 3) / 4, field);
        return body != nullptr ? reinterpret_cast<const char*>(body) : nullptr;
    }
    // Marks a value outside its range, at the word holding it (by default where the cursor is).
    constexpr void refuse(const char* field, const std::uint32_t* at = nullptr) {
        if (ok_) {
            ok_ = false;
            range_ = true;
            field_ = field;
            bad_ = at;
        }
    }
    // Where the problem is: the refused word, or where reading stopped.
    constexpr const std::uint32_t* problem_position() const { return bad_ != nullptr ? bad_ : at_; }

private:
    constexpr void fail(const char* field) {
        if (ok_) {
            ok_ = false;
            field_ = field;
        }
    }

    const std::uint32_t* at_;
    const std::uint32_t* end_;
    bool ok_ = true;
    bool range_ = false;
    const char* field_ = "";
    const std::uint32_t* bad_ = nullptr;
};

struct machine_view {
    const std::uint32_t* fields = nullptr; // the section's first word
    double dt = 0.0;
    std::uint64_t steps = 0;
    std::uint32_t seed = 0;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t topology = 0; // 0 mesh, 1 torus, 2 hexagonal
    std::uint32_t wraps = 0;
    std::uint32_t dead_links = 0;
    const std::uint32_t* dead = nullptr; // x, y, direction per dead link
    std::uint32_t chips = 0;
    std::uint32_t cores = 0;
    std::uint32_t groups = 0;
    const char* board = nullptr;
    std::uint32_t board_length = 0;
    const std::uint32_t* labels = nullptr; // `groups` strings, one after another
};

struct chip_view {
    const std::uint32_t* fields = nullptr;
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    std::uint32_t entries = 0;
    const std::uint32_t* routes = nullptr; // key, mask, route per entry
};

struct core_view {
    const std::uint32_t* fields = nullptr; // field k of the table in docs/image-format.md at fields + k
    std::uint32_t x = 0;
    std::uint32_t y = 0;
    std::uint32_t core = 0;
    std::uint32_t group = 0;
    std::uint32_t first = 0;
    std::uint32_t neurons = 0;
    std::uint32_t state_words = 0;
    std::uint32_t input_channels = 0;
    std::uint32_t delay_slots = 0;
    std::uint32_t seed = 0;
    std::uint32_t key = 0;
    std::uint32_t mask = 0;
    std::uint32_t sends = 0;
    std::uint32_t program_words = 0;
    std::uint32_t constant_count = 0;
    std::uint32_t table_count = 0;
    std::uint32_t master_entries = 0;
    std::uint32_t blocks = 0;
    std::uint32_t offsets = 0;
    std::uint32_t synaptic_words = 0;
    const std::uint32_t* program = nullptr;
    const std::uint32_t* constants = nullptr;    // as raw words
    const std::uint32_t* tables = nullptr;       // the tables, one after another
    const std::uint32_t* initial_state = nullptr;
    const std::uint32_t* master = nullptr;       // key, mask, first block, blocks
    const std::uint32_t* block_words = nullptr;  // hold, neurons, first offset
    const std::uint32_t* row_offsets = nullptr;
    const std::uint32_t* words = nullptr;
};

// The fields of a machine, chip or core section; false when the payload does not hold them (the
// cursor says which field). Ranges are checked by check_image.
inline bool read_machine(cursor& c, machine_view& m) {
    m.fields = c.position();
    m.dt = c.real("time step");
    m.steps = c.wide("steps");
    m.seed = c.word("seed");
    m.width = c.word("grid width");
    m.height = c.word("grid height");
    m.topology = c.word("topology");
    m.wraps = c.word("wraps");
    m.dead_links = c.word("dead links");
    m.dead = c.words(std::uint64_t{m.dead_links} * 3, "dead links");
    m.chips = c.word("chips");
    m.cores = c.word("cores");
    m.groups = c.word("groups");
    m.board = c.text(m.board_length, "board name");
    m.labels = c.position();
    for (std::uint32_t g = 0; g < m.groups && c.ok(); ++g) {
        std::uint32_t length = 0;
        c.text(length, "group label");
    }
    return c.ok();
}

inline bool read_chip(cursor& c, chip_view& chip) {
    chip.fields = c.position();
    chip.x = c.word("x");
    chip.y = c.word("y");
    chip.entries = c.word("routing entries");
    chip.routes = c.words(std::uint64_t{chip.entries} * 3, "routing entries");
    return c.ok();
}

inline bool read_core(cursor& c, core_view& v) {
    v.fields = c.position();
    v.x = c.word("chip x");
    v.y = c.word("chip y");
    v.core = c.word("core");
    v.group = c.word("group");
    v.first = c.word("first neuron");
    v.neurons = c.word("neurons");
    v.state_words = c.word("state words");
    v.input_channels = c.word("input channels");
    v.delay_slots = c.word("delay slots");
    v.seed = c.word("seed");
    v.key = c.word("key");
    v.mask = c.word("mask");
    v.sends = c.word("sends");
    v.program_words = c.word("program words");
    v.constant_count = c.word("constants");
    v.table_count = c.word("tables");
    v.master_entries = c.word("master entries");
    v.blocks = c.word("row blocks");
    v.offsets = c.word("row offsets");
    v.synaptic_words = c.word("synaptic words");
    v.program = c.words(v.program_words, "program");
    v.constants = c.words(v.constant_count, "constants");
    v.tables = c.position();
    for (std::uint32_t t = 0; t < v.table_count && c.ok(); ++t) {
        c.word("table x0");
        const std::uint32_t* shape_at = c.position();
        const std::uint32_t shape = c.word("table step and size");
        const std::uint32_t log2 = (shape >> 8) & 0xFFu;
        if (c.ok() && ((shape & 0xFFu) > 30 || log2 > 16 || (shape >> 16) != 0)) {
            c.refuse("table step and size", shape_at);
            break;
        }
        c.words((std::uint64_t{1} << log2) + 1, "table samples");
    }
    v.initial_state = c.words(std::uint64_t{v.neurons} * v.state_words, "initial state");
    v.master = c.words(std::uint64_t{v.master_entries} * 4, "master table");
    v.block_words = c.words(std::uint64_t{v.blocks} * 3, "row blocks");
    v.row_offsets = c.words(v.offsets, "row offsets");
    v.words = c.words(v.synaptic_words, "synaptic words");
    return c.ok();
}

namespace detail {

constexpr bool power_of_two(std::uint32_t n) { return n != 0 && (n & (n - 1)) == 0; }

// Everything a core section's fields must satisfy besides their presence.
inline void check_core(cursor& c, const core_view& v, const machine_view& m) {
    const std::uint32_t* f = v.fields;
    if (v.x >= m.width) {
        c.refuse("chip x", f + 0);
    } else if (v.y >= m.height) {
        c.refuse("chip y", f + 1);
    } else if (v.core > 25) {
        c.refuse("core", f + 2);
    } else if (v.group >= m.groups) {
        c.refuse("group", f + 3);
    } else if (v.neurons == 0 || v.neurons > 256) {
        c.refuse("neurons", f + 5);
    } else if (v.state_words > 1024) {
        c.refuse("state words", f + 6);
    } else if (v.input_channels > 16) {
        c.refuse("input channels", f + 7);
    } else if (!power_of_two(v.delay_slots) || v.delay_slots > 16) {
        c.refuse("delay slots", f + 8);
    } else if ((v.key & ~v.mask) != 0 || (~v.mask & 0xFFFFFF00u) != 0 || (~v.mask) + 1u < v.neurons) {
        c.refuse("key and mask", f + 10);
    } else if (v.sends > 1) {
        c.refuse("sends", f + 12);
    } else if (v.program_words > 4096) {
        c.refuse("program words", f + 13);
    } else if (v.constant_count > 1024) {
        c.refuse("constants", f + 14);
    } else if (v.table_count > 16) {
        c.refuse("tables", f + 15);
    }
    if (!c.ok()) {
        return;
    }
    // The synaptic matrix: every block and offset inside its arrays, offsets non-decreasing,
    // holds within what a run can wait.
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
        if (block[1] > 256 || std::uint64_t{block[2]} + block[1] + 1 > v.offsets) {
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
            if (c.ok() && core != constant_column && (core >= m.cores || neuron > 255 || slot > 1023)) {
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
            if (c.ok() && (core >= m.cores || neuron > 255)) {
                c.refuse("event selection", selection);
            }
        }
    }
}

} // namespace detail

// Checks the whole image: header, every section's bounds, kind, order, index and checksum, and
// every field inside it. The first problem is returned with where it is.
inline check_result check_image(const std::uint32_t* words, std::size_t count) {
    check_result r;
    auto fail = [&](problem what, std::size_t offset) {
        r.what = what;
        r.offset = offset;
        return r;
    };
    if (words == nullptr || count < header_words) {
        return fail(problem::too_short, 0);
    }
    if (words[0] != magic) {
        return fail(problem::bad_magic, 0);
    }
    if (words[1] != version) {
        return fail(problem::bad_version, 1);
    }
    if (words[2] != count) {
        return fail(problem::bad_length, 2);
    }
    if (checksum(words, 5) != words[5]) {
        return fail(problem::bad_header_checksum, 5);
    }
    const std::uint32_t sections = words[3];
    machine_view machine;
    std::uint32_t chips = 0;
    std::uint32_t cores = 0;
    std::uint32_t last_kind = 0;
    bool recording = false;
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
        const std::uint32_t index = words[at + 2];
        r.kind = kind;
        r.index = index;
        const std::size_t payload = at + section_header_words;
        if (length > count - payload) {
            return fail(problem::section_past_end, at + 1);
        }
        if (checksum(words + payload, length) != words[at + 3]) {
            return fail(problem::bad_section_checksum, at + 3);
        }
        // Order: machine first (once), then chips, then cores, then the recording (once), then the
        // report (once, optional).
        const bool known = kind >= 1 && kind <= 5;
        const bool once = kind == 4 || kind == 5;
        const bool in_order = known && (s == 0 ? kind == 1 : (kind != 1 && kind >= last_kind && !(once && kind == last_kind)));
        if (!in_order) {
            return fail(problem::bad_section_kind, at);
        }
        const std::uint32_t expected_index = kind == 2 ? chips : (kind == 3 ? cores : 0);
        if (index != expected_index) {
            return fail(problem::bad_section_index, at + 2);
        }
        last_kind = kind;
        cursor c(words + payload, words + payload + length);
        switch (static_cast<section_kind>(kind)) {
        case section_kind::machine:
            if (read_machine(c, machine)) {
                const std::uint32_t* f = machine.fields;
                if (!(machine.dt > 0.0)) {
                    c.refuse("time step", f);
                } else if (machine.width == 0 || machine.width > 4096) {
                    c.refuse("grid width", f + 5);
                } else if (machine.height == 0 || machine.height > 4096) {
                    c.refuse("grid height", f + 6);
                } else if (machine.topology > 2) {
                    c.refuse("topology", f + 7);
                } else if (machine.wraps > 1) {
                    c.refuse("wraps", f + 8);
                } else if (machine.groups == 0) {
                    c.refuse("groups", machine.dead + 3 * machine.dead_links + 2);
                }
                for (std::uint32_t d = 0; d < machine.dead_links && c.ok(); ++d) {
                    const std::uint32_t* link = machine.dead + 3 * d;
                    if (link[0] >= machine.width || link[1] >= machine.height || link[2] > 5) {
                        c.refuse("dead link", link);
                    }
                }
            }
            break;
        case section_kind::chip: {
            chip_view chip;
            if (read_chip(c, chip) && (chip.x >= machine.width || chip.y >= machine.height)) {
                c.refuse("chip x or y", chip.x >= machine.width ? chip.fields : chip.fields + 1);
            }
            ++chips;
            break;
        }
        case section_kind::core: {
            core_view core;
            if (read_core(c, core)) {
                detail::check_core(c, core, machine);
            }
            ++cores;
            break;
        }
        case section_kind::recording:
            recording = true;
            detail::check_recording(c, machine);
            break;
        case section_kind::report: detail::skip_text(c, "report"); break;
        }
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
    if (sections < 2 || !recording || chips != machine.chips || cores != machine.cores) {
        return fail(problem::bad_section_count, 3);
    }
    return r;
}

// The sections of a checked image in order: a section's kind, index and payload.
struct section_view {
    section_kind kind = section_kind::machine;
    std::uint32_t index = 0;
    const std::uint32_t* payload = nullptr;
    std::uint32_t length = 0;
};

// Walks the sections of an image check_image accepted; false after the last.
class sections {
public:
    sections(const std::uint32_t* words, std::size_t count) : words_(words), count_(count) {}

    bool next(section_view& s) {
        if (at_ + section_header_words > count_) {
            return false;
        }
        s.kind = static_cast<section_kind>(words_[at_]);
        s.length = words_[at_ + 1];
        s.index = words_[at_ + 2];
        s.payload = words_ + at_ + section_header_words;
        at_ += section_header_words + s.length;
        return true;
    }

private:
    const std::uint32_t* words_;
    std::size_t count_;
    std::size_t at_ = header_words;
};

} // namespace sf::firmware::image
