// libFuzzer target for board images (docs/image-format.md): any bytes, read as little-endian
// words, go to check_image; an image it accepts is walked section by section with the firmware's
// readers, which must read every section exactly (and the check made in parts, as a rank makes it,
// must agree with the whole check), its populations are read as a host reads them,
// and it is run for a few steps on the functional emulator. Nothing may crash, read outside the
// image or loop. Each input is tried twice: as it is, and with its header and section checksums
// recomputed, so that mutations of the fields reach the range checks and the emulator instead of
// stopping at a checksum.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <sf/emulator/functional.hpp>
#include <sf/firmware/image.hpp>
#include <sf/host/host_errors.hpp>
#include <sf/host/image_populations.hpp>

namespace image = sf::firmware::image;

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_image: %s\n", what);
    std::abort();
}

// A pointer range [at, at + count) inside the image, or fail.
void inside(const std::vector<std::uint32_t>& words, const std::uint32_t* at, std::uint64_t count,
            const char* what) {
    const std::uint32_t* begin = words.data();
    const std::uint32_t* end = words.data() + words.size();
    if (count > 0 &&
        (at == nullptr || at < begin || at > end || count > static_cast<std::uint64_t>(end - at))) {
        fail(what);
    }
}

// Reads a string field, which must lie inside the image.
void read_text(const std::vector<std::uint32_t>& words, image::cursor& c, const char* field) {
    std::uint32_t length = 0;
    const char* bytes = c.text(length, field);
    if (c.ok()) {
        inside(words, reinterpret_cast<const std::uint32_t*>(bytes),
               (std::uint64_t{length} + 3) / 4, "a string outside the image");
    }
}

// Every section of an accepted image, through the readers: each must read its payload exactly,
// and every row the master tables can reach must lie inside the image.
void walk(const std::vector<std::uint32_t>& words) {
    image::sections all(words.data(), words.size());
    image::section_view s;
    image::machine_view machine;
    std::size_t count = 0;
    while (all.next(s)) {
        ++count;
        inside(words, s.payload, s.length, "a section outside the image");
        image::cursor c(s.payload, s.payload + s.length);
        switch (s.kind) {
        case image::section_kind::machine: {
            if (!image::read_machine(c, machine) || !c.done()) {
                fail("an accepted machine section does not read");
            }
            inside(words, machine.dead, std::uint64_t{machine.dead_links} * 3,
                   "dead links outside the image");
            image::cursor labels(machine.labels, s.payload + s.length);
            for (std::uint32_t g = 0; g < machine.groups; ++g) {
                read_text(words, labels, "group label");
            }
            if (!labels.ok() || !labels.done()) {
                fail("the group labels do not read");
            }
            break;
        }
        case image::section_kind::chip: {
            image::chip_view chip;
            if (!image::read_chip(c, chip) || !c.done()) {
                fail("an accepted chip section does not read");
            }
            if (chip.x >= machine.width || chip.y >= machine.height) {
                fail("an accepted chip outside the grid");
            }
            inside(words, chip.routes, std::uint64_t{chip.entries} * 3, "routes outside the image");
            break;
        }
        case image::section_kind::core: {
            image::core_view v;
            if (!image::read_core(c, v) || !c.done()) {
                fail("an accepted core section does not read");
            }
            if (v.neurons == 0 || v.neurons > 256 || v.x >= machine.width ||
                v.y >= machine.height) {
                fail("an accepted core outside its ranges");
            }
            for (std::uint32_t e = 0; e < v.master_entries; ++e) {
                const std::uint32_t* entry = v.master + 4 * e;
                for (std::uint32_t b = entry[2]; b < entry[2] + entry[3]; ++b) {
                    if (b >= v.blocks) {
                        fail("a master table entry past the blocks");
                    }
                    const std::uint32_t* block = v.block_words + 3 * b;
                    for (std::uint32_t n = 0; n < block[1]; ++n) {
                        if (std::uint64_t{block[2]} + n + 1 >= v.offsets) {
                            fail("a row past the row offsets");
                        }
                        const std::uint32_t first = v.row_offsets[block[2] + n];
                        const std::uint32_t last = v.row_offsets[block[2] + n + 1];
                        if (first > last || last > v.synaptic_words) {
                            fail("a row past the synaptic words");
                        }
                        inside(words, v.words + first, last - first, "a row outside the image");
                    }
                }
            }
            break;
        }
        case image::section_kind::recording: {
            const std::uint32_t files = c.word("trace files");
            for (std::uint32_t f = 0; f < files && c.ok(); ++f) {
                read_text(words, c, "trace path");
                const std::uint32_t columns = c.word("columns");
                for (std::uint32_t k = 0; k < columns && c.ok(); ++k) {
                    const std::uint32_t core = c.word("core");
                    c.word("neuron");
                    c.word("slot");
                    c.real("unit");
                    if (c.ok() && core != image::constant_column && core >= machine.cores) {
                        fail("an accepted trace column of a core the image has not");
                    }
                }
            }
            const std::uint32_t event_files = c.word("event files");
            for (std::uint32_t f = 0; f < event_files && c.ok(); ++f) {
                read_text(words, c, "event path");
                c.word("format");
                const std::uint32_t selections = c.word("selections");
                for (std::uint32_t k = 0; k < selections && c.ok(); ++k) {
                    const std::uint32_t core = c.word("core");
                    c.word("neuron");
                    read_text(words, c, "id");
                    if (c.ok() && core >= machine.cores) {
                        fail("an accepted event selection of a core the image has not");
                    }
                }
            }
            if (!c.ok() || !c.done()) {
                fail("an accepted recording section does not read");
            }
            break;
        }
        case image::section_kind::report:
            read_text(words, c, "report");
            if (!c.ok() || !c.done()) {
                fail("an accepted report section does not read");
            }
            break;
        default: fail("an accepted section of unknown kind");
        }
    }
    if (count != words[3]) {
        fail("the sections walked are not the header's");
    }
}

// What a host reads of an accepted image: its populations from the group labels and the cores.
// A label it cannot use is the user's error, nothing worse.
void read_populations(const std::vector<std::uint32_t>& words) {
    try {
        const auto pops = sf::host::image_populations::read(words);
        for (const auto& p : pops.all()) {
            for (const std::uint32_t key : p.keys) {
                sf::host::cell_ref where;
                pops.cell_of(key, where);
            }
        }
    } catch (const sf::host::usage_error&) {
    }
}

// The check in two parts, as a rank makes it: the image without the cores' checksums and
// matrices, then each core's section alone. Together they accept what the whole check accepts.
void check_in_parts(const std::vector<std::uint32_t>& words, bool accepted) {
    const image::check_result fields =
        image::check_image(words.data(), words.size(), image::core_sections::without_matrices);
    if (accepted && !fields) {
        fail("the check without matrices refuses an image the whole check accepts");
    }
    if (!fields) {
        return;
    }
    bool every_core = true;
    image::sections all(words.data(), words.size());
    image::section_view s;
    for (std::uint32_t position = 0; all.next(s); ++position) {
        if (s.kind != image::section_kind::core) {
            continue;
        }
        const auto at =
            static_cast<std::size_t>(s.payload - words.data()) - image::section_header_words;
        const image::check_result core = image::check_core_section(words.data(), at, position);
        if (!core && core.offset >= words.size()) {
            fail("a core section refused past the end of the image");
        }
        every_core = every_core && static_cast<bool>(core);
    }
    if (every_core != accepted) {
        fail("the check in parts disagrees with the whole check");
    }
}

void exercise(const std::vector<std::uint32_t>& words) {
    const image::check_result checked = image::check_image(words.data(), words.size());
    check_in_parts(words, static_cast<bool>(checked));
    if (image::describe(checked.what) == nullptr || checked.field == nullptr) {
        fail("a refusal without description");
    }
    if (!checked) {
        if (checked.offset > words.size()) {
            fail("a refusal past the end of the image");
        }
        sf::emulator::functional_emulator refused(words.data(), words.size());
        if (refused.ready() || refused.problem().empty()) {
            fail("the emulator runs an image check_image refuses");
        }
        return;
    }
    walk(words);
    read_populations(words);
    sf::emulator::functional_emulator e(words.data(), words.size());
    if (!e.ready()) {
        return; // refused with a problem: a core's program, a core without chip, ...
    }
    // Enough steps for the seeds' spike sources (a period of 20 steps) to send packets.
    constexpr std::uint64_t steps = 24;
    e.run(steps);
    const sf::emulator::functional_counters counters = e.counters();
    if (counters.cores.steps > steps) {
        fail("more steps than were run");
    }
    for (const auto& trace : e.traces()) {
        if (trace.rows.size() != (steps + 1) * (trace.columns + 1)) {
            fail("a trace without one row per step");
        }
    }
    e.first_fault();
}

// The header's length, count and checksum and every section's checksum recomputed.
void reseal(std::vector<std::uint32_t>& words) {
    if (words.size() < image::header_words) {
        return;
    }
    words[0] = image::magic;
    words[1] = image::version;
    words[2] = static_cast<std::uint32_t>(words.size());
    words[5] = image::checksum(words.data(), 5);
    std::size_t at = image::header_words;
    for (std::uint32_t s = 0; s < words[3] && words.size() - at >= image::section_header_words;
         ++s) {
        const std::size_t payload = at + image::section_header_words;
        if (words[at + 1] > words.size() - payload) {
            break;
        }
        words[at + 3] = image::checksum(words.data() + payload, words[at + 1]);
        at = payload + words[at + 1];
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::uint32_t> words(size / 4);
    for (std::size_t w = 0; w < words.size(); ++w) {
        words[w] = std::uint32_t{data[4 * w]} | std::uint32_t{data[4 * w + 1]} << 8 |
                   std::uint32_t{data[4 * w + 2]} << 16 | std::uint32_t{data[4 * w + 3]} << 24;
    }
    exercise(words);
    std::vector<std::uint32_t> sealed = words;
    reseal(sealed);
    if (sealed != words) {
        exercise(sealed);
    }
    return 0;
}
