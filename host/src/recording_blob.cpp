#include <cstring>
#include <string>

#include <sf/host/host_errors.hpp>
#include <sf/host/recording_blob.hpp>

namespace sf::host {

namespace {

// Reads the blob front to back; every read checks the bytes left and names its offset on failure.
class blob_reader {
public:
    blob_reader(const std::uint8_t* bytes, std::size_t size) : bytes_(bytes), size_(size) {}

    std::size_t offset() const { return at_; }
    std::size_t left() const { return size_ - at_; }

    std::uint32_t u32(const char* what) {
        const std::uint8_t* b = take(4, what);
        return std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 |
               std::uint32_t{b[3]} << 24;
    }
    std::uint64_t u64(const char* what) {
        const std::uint32_t low = u32(what);
        return std::uint64_t{u32(what)} << 32 | low;
    }
    float f32(const char* what) {
        const std::uint32_t bits = u32(what);
        float value = 0.0f;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    double f64(const char* what) {
        const std::uint64_t bits = u64(what);
        double value = 0.0;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    std::string text(const char* what) {
        const std::size_t at = at_;
        const std::uint32_t length = u32(what);
        if (length > left()) {
            fail(at, std::string(what) + " of " + std::to_string(length) + " bytes, but only " +
                         std::to_string(left()) + " remain");
        }
        const std::uint8_t* b = take(length, what);
        return std::string(reinterpret_cast<const char*>(b), length);
    }
    // Checks that `count` items of at least `item_bytes` each can still follow.
    void expect(std::uint64_t count, std::uint64_t item_bytes, const char* what) const {
        if (item_bytes != 0 && count > left() / item_bytes) {
            fail(at_, std::to_string(count) + " " + what + " cannot fit the " +
                          std::to_string(left()) + " bytes that remain");
        }
    }
    [[noreturn]] void fail(std::size_t at, const std::string& why) const {
        throw usage_error("recording from the board is malformed at byte " + std::to_string(at) +
                          ": " + why);
    }

private:
    const std::uint8_t* take(std::size_t count, const char* what) {
        if (count > left()) {
            fail(at_, std::string("cut short in ") + what);
        }
        const std::uint8_t* b = bytes_ + at_;
        at_ += count;
        return b;
    }

    const std::uint8_t* bytes_;
    std::size_t size_;
    std::size_t at_ = 0;
};

// A path from the board, which must stay inside the output folder.
std::filesystem::path safe_path(blob_reader& in, const char* what) {
    const std::size_t at = in.offset();
    const std::string text = in.text(what);
    const std::filesystem::path path(text);
    if (text.empty() || path.is_absolute() || path.has_root_name() || path.has_root_directory()) {
        in.fail(at, std::string(what) + " '" + text + "' is not a relative path");
    }
    for (const auto& part : path) {
        if (part == "..") {
            in.fail(at, std::string(what) + " '" + text + "' leaves the output folder");
        }
    }
    return path;
}

lems::recorded_trace read_trace(blob_reader& in) {
    lems::recorded_trace t;
    t.path = safe_path(in, "trace file path");
    const std::size_t at = in.offset();
    const std::uint32_t columns = in.u32("trace columns");
    const std::uint32_t rows = in.u32("trace rows");
    if (columns == 0xFFFFFFFFu) {
        in.fail(at, "a trace of 2^32 - 1 columns");
    }
    const std::uint64_t values = std::uint64_t{rows} * (std::uint64_t{columns} + 1);
    in.expect(values, 4, "trace values");
    t.columns = columns;
    t.rows.reserve(values);
    for (std::uint64_t v = 0; v < values; ++v) {
        t.rows.push_back(in.f32("trace values"));
    }
    return t;
}

lems::recorded_events read_events(blob_reader& in) {
    lems::recorded_events e;
    e.path = safe_path(in, "event file path");
    const std::size_t at = in.offset();
    const std::uint32_t id_first = in.u32("event file order");
    if (id_first > 1) {
        in.fail(at, "event file order " + std::to_string(id_first) + " (0 or 1)");
    }
    e.id_first = id_first == 1;
    const std::uint32_t count = in.u32("event count");
    in.expect(count, 12, "events");
    e.events.reserve(count);
    for (std::uint32_t k = 0; k < count; ++k) {
        const double time = in.f64("event time");
        e.events.emplace_back(time, in.text("event id"));
    }
    return e;
}

} // namespace

decoded_recordings decode_recordings(const std::uint8_t* bytes, std::size_t size) {
    blob_reader in(bytes, size);
    if (in.u32("magic") != recording_magic) {
        in.fail(0, "not a recording (bad magic)");
    }
    const std::uint32_t version = in.u32("version");
    if (version != recording_version) {
        in.fail(4, "recording version " + std::to_string(version) + ", this host reads " +
                       std::to_string(recording_version));
    }
    decoded_recordings out;
    const std::uint32_t traces = in.u32("trace file count");
    in.expect(traces, 12, "trace files");
    for (std::uint32_t t = 0; t < traces; ++t) {
        out.traces.push_back(read_trace(in));
    }
    const std::uint32_t events = in.u32("event file count");
    in.expect(events, 12, "event files");
    for (std::uint32_t e = 0; e < events; ++e) {
        out.events.push_back(read_events(in));
    }
    if (in.left() != 0) {
        in.fail(in.offset(), std::to_string(in.left()) + " bytes after the last file");
    }
    return out;
}

std::vector<std::filesystem::path> write_recordings(const decoded_recordings& recordings,
                                                    const std::filesystem::path& out_dir) {
    std::vector<lems::recorded_trace> traces = recordings.traces;
    for (auto& t : traces) {
        t.path = out_dir / t.path;
    }
    std::vector<lems::recorded_events> events = recordings.events;
    for (auto& e : events) {
        e.path = out_dir / e.path;
    }
    return lems::write_recordings(traces, events);
}

} // namespace sf::host
