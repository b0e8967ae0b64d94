#include <cstring>
#include <fstream>

#include <sf/firmware/image.hpp>
#include <sf/mapper/image_file.hpp>

namespace sf::mapper {
namespace image = firmware::image;

namespace {

// Appends the image's words: fields, strings, and sections with their length and checksum.
class image_builder {
public:
    image_builder() { words_.assign(image::header_words, 0); }

    void word(std::uint32_t w) { words_.push_back(w); }
    void wide(std::uint64_t v) {
        word(static_cast<std::uint32_t>(v));
        word(static_cast<std::uint32_t>(v >> 32));
    }
    void real(double v) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        wide(bits);
    }
    void text(const std::string& s) {
        word(static_cast<std::uint32_t>(s.size()));
        // Little-endian bytes, the last word padded with zero bytes.
        for (std::size_t at = 0; at < s.size(); at += 4) {
            std::uint32_t packed = 0;
            for (std::size_t k = 0; k < 4 && at + k < s.size(); ++k) {
                packed |= static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + k]))
                          << (8 * k);
            }
            words_.push_back(packed);
        }
    }
    template <class Words>
    void all(const Words& list) {
        for (auto w : list) {
            word(static_cast<std::uint32_t>(w));
        }
    }

    void begin(image::section_kind kind, std::uint32_t index) {
        start_ = words_.size();
        word(static_cast<std::uint32_t>(kind));
        word(0);
        word(index);
        word(0);
        ++sections_;
    }
    void end() {
        const std::size_t payload = start_ + image::section_header_words;
        words_[start_ + 1] = static_cast<std::uint32_t>(words_.size() - payload);
        words_[start_ + 3] = image::checksum(words_.data() + payload, words_.size() - payload);
    }

    std::vector<std::uint32_t> finish() {
        words_[0] = image::magic;
        words_[1] = image::version;
        words_[2] = static_cast<std::uint32_t>(words_.size());
        words_[3] = sections_;
        words_[4] = 0;
        words_[5] = image::checksum(words_.data(), 5);
        return std::move(words_);
    }

private:
    std::vector<std::uint32_t> words_;
    std::size_t start_ = 0;
    std::uint32_t sections_ = 0;
};

std::uint32_t topology_code(topology t) {
    switch (t) {
    case topology::mesh: return 0;
    case topology::torus: return 1;
    case topology::hexagonal: return 2;
    }
    return 0;
}

// The machine section: the run's time, the grid and its dead links, the section counts and
// the names.
void write_machine(image_builder& b, const mapped_network& m) {
    b.begin(image::section_kind::machine, 0);
    b.real(m.dt);
    b.wide(static_cast<std::uint64_t>(m.steps));
    b.word(static_cast<std::uint32_t>(m.seed));
    b.word(static_cast<std::uint32_t>(m.machine.grid.width));
    b.word(static_cast<std::uint32_t>(m.machine.grid.height));
    b.word(topology_code(m.machine.grid.kind));
    b.word(m.machine.grid.wraps ? 1 : 0);
    std::vector<const link*> dead;
    for (const link& l : m.machine.links) {
        if (!l.available) {
            dead.push_back(&l);
        }
    }
    b.word(static_cast<std::uint32_t>(dead.size()));
    for (const link* l : dead) {
        b.word(static_cast<std::uint32_t>(l->from.x));
        b.word(static_cast<std::uint32_t>(l->from.y));
        b.word(static_cast<std::uint32_t>(l->heading));
    }
    b.word(static_cast<std::uint32_t>(m.tables.size()));
    b.word(static_cast<std::uint32_t>(m.cores.size()));
    b.word(static_cast<std::uint32_t>(m.group_labels.size()));
    b.text(m.machine.name);
    for (const auto& label : m.group_labels) {
        b.text(label);
    }
    b.end();
}

// A chip section per routing table.
void write_tables(image_builder& b, const mapped_network& m) {
    for (std::size_t c = 0; c < m.tables.size(); ++c) {
        const routing_table& t = m.tables[c];
        b.begin(image::section_kind::chip, static_cast<std::uint32_t>(c));
        b.word(static_cast<std::uint32_t>(t.chip.x));
        b.word(static_cast<std::uint32_t>(t.chip.y));
        b.word(static_cast<std::uint32_t>(t.entries.size()));
        for (const route_entry& e : t.entries) {
            b.word(e.key);
            b.word(e.mask);
            b.word(e.route);
        }
        b.end();
    }
}

// Core k's section: where it is, its sizes, program, constants, tables, initial state and
// synaptic matrix.
void write_core(image_builder& b, const mapped_network& m, std::size_t k) {
    const mapped_core& core = m.cores[k];
    const compiled_group& g = m.compiled.groups[static_cast<std::size_t>(core.group)];
    const synaptic_matrix& mx = core.matrix;
    b.begin(image::section_kind::core, static_cast<std::uint32_t>(k));
    b.word(static_cast<std::uint32_t>(core.where.chip.x));
    b.word(static_cast<std::uint32_t>(core.where.chip.y));
    b.word(static_cast<std::uint32_t>(core.where.core));
    b.word(static_cast<std::uint32_t>(core.group));
    b.word(static_cast<std::uint32_t>(core.first));
    b.word(static_cast<std::uint32_t>(core.count));
    b.word(static_cast<std::uint32_t>(g.state_words));
    b.word(static_cast<std::uint32_t>(g.input_channels));
    b.word(static_cast<std::uint32_t>(core.delay_slots));
    b.word(core.seed);
    b.word(core.keys.key);
    b.word(core.keys.mask);
    b.word(core.sends ? 1 : 0);
    b.word(static_cast<std::uint32_t>(g.program.size()));
    b.word(static_cast<std::uint32_t>(g.constants.size()));
    b.word(static_cast<std::uint32_t>(g.tables.size()));
    b.word(static_cast<std::uint32_t>(mx.master.size()));
    b.word(static_cast<std::uint32_t>(mx.blocks.size()));
    b.word(static_cast<std::uint32_t>(mx.row_offsets.size()));
    b.word(static_cast<std::uint32_t>(mx.words.size()));
    b.all(g.program);
    b.all(g.constants);
    for (const table_image& t : g.tables) {
        b.word(static_cast<std::uint32_t>(t.x0));
        b.word(firmware::image::encode_shape({t.step, t.log2_intervals}));
        b.all(t.samples);
    }
    const auto state_words = static_cast<std::size_t>(g.state_words);
    for (std::size_t n = 0; n < static_cast<std::size_t>(core.count); ++n) {
        const std::size_t neuron = static_cast<std::size_t>(core.first) + n;
        for (std::size_t s = 0; s < state_words; ++s) {
            b.word(static_cast<std::uint32_t>(g.initial_state[neuron * state_words + s]));
        }
    }
    for (const master_entry& e : mx.master) {
        b.word(e.key);
        b.word(e.mask);
        b.word(e.first_block);
        b.word(e.block_count);
    }
    for (const row_block& r : mx.blocks) {
        b.word(r.hold);
        b.word(r.neurons);
        b.word(r.first_offset);
    }
    b.all(mx.row_offsets);
    b.all(mx.words);
    b.end();
}

// The recording section: the trace columns and event selections by core and neuron.
void write_recordings(image_builder& b, const mapped_network& m) {
    b.begin(image::section_kind::recording, 0);
    b.word(static_cast<std::uint32_t>(m.traces.size()));
    for (const mapped_trace& t : m.traces) {
        b.text(t.path);
        b.word(static_cast<std::uint32_t>(t.columns.size()));
        for (const mapped_column& c : t.columns) {
            b.word(c.core < 0 ? image::constant_column : static_cast<std::uint32_t>(c.core));
            b.word(static_cast<std::uint32_t>(c.neuron));
            b.word(static_cast<std::uint32_t>(c.slot));
            b.real(c.unit);
        }
    }
    b.word(static_cast<std::uint32_t>(m.events.size()));
    for (const mapped_events& e : m.events) {
        b.text(e.path);
        b.word(e.id_first ? 1 : 0);
        b.word(static_cast<std::uint32_t>(e.selections.size()));
        for (const mapped_selection& s : e.selections) {
            b.word(static_cast<std::uint32_t>(s.core));
            b.word(static_cast<std::uint32_t>(s.neuron));
            b.text(s.id);
        }
    }
    b.end();
}

} // namespace

std::vector<std::uint32_t> encode_image(const mapped_network& m) {
    image_builder b;
    write_machine(b, m);
    write_tables(b, m);
    for (std::size_t k = 0; k < m.cores.size(); ++k) {
        write_core(b, m, k);
    }
    write_recordings(b, m);
    b.begin(image::section_kind::report, 0);
    b.text(m.summary());
    b.end();
    return b.finish();
}

void save_image(const std::filesystem::path& path, const std::vector<std::uint32_t>& words) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
    }
    const fs::path partial = path.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary);
        out.write(reinterpret_cast<const char*>(words.data()),
                  static_cast<std::streamsize>(words.size() * 4));
        out.close();
        if (!out) {
            fs::remove(partial, ec);
            throw image_file_error("cannot write " + path.string());
        }
    }
    fs::rename(partial, path, ec);
    if (ec) {
        fs::remove(partial, ec);
        throw image_file_error("cannot write " + path.string() + ": " + ec.message());
    }
}

namespace {

// A pipe, a device or a file whose size is not its length: its length is known only once it is
// read.
std::vector<std::uint32_t> load_stream(const std::filesystem::path& path, std::ifstream& in) {
    std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
    if (bytes.size() % 4 != 0) {
        throw image_file_error(path.string() + ": " + std::to_string(bytes.size()) +
                               " bytes, not a whole number of 32-bit words: not a board image");
    }
    std::vector<std::uint32_t> words(bytes.size() / 4);
    if (!bytes.empty()) {
        std::memcpy(words.data(), bytes.data(), bytes.size());
    }
    return words;
}

} // namespace

std::vector<std::uint32_t> load_image(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw image_file_error("cannot read " + path.string());
    }
    std::error_code ec;
    const bool regular = fs::is_regular_file(path, ec);
    const std::uintmax_t bytes = regular ? fs::file_size(path, ec) : 0;
    if (!regular || ec || bytes % 4 != 0) {
        return load_stream(path, in);
    }
    std::vector<std::uint32_t> words(bytes / 4);
    if (bytes > 0) {
        in.read(reinterpret_cast<char*>(words.data()), static_cast<std::streamsize>(bytes));
    }
    if (static_cast<std::uintmax_t>(in.gcount()) == bytes &&
        in.peek() == std::ifstream::traits_type::eof()) {
        return words;
    }
    // Not the length it said (a file of the system's, or one written to while being read): read
    // again from the start, to its end.
    in.clear();
    in.seekg(0);
    return load_stream(path, in);
}

} // namespace sf::mapper
