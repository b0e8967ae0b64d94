#include <cstring>
#include <string>

#include <sf/emulator/recording_blob.hpp>
#include <sf/firmware/assert.hpp>

namespace sf::emulator {

namespace {

// Appends little-endian fields to a byte vector.
class blob_writer {
public:
    explicit blob_writer(std::vector<std::uint8_t>& out) : out_(out) {}

    void u32(std::uint32_t v) {
        for (int b = 0; b < 4; ++b) {
            out_.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
        }
    }
    void u64(std::uint64_t v) {
        for (int b = 0; b < 8; ++b) {
            out_.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
        }
    }
    void f32(float v) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        u32(bits);
    }
    void f64(double v) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        u64(bits);
    }
    void count(std::size_t n) {
        SF_ASSERT(n <= 0xFFFFFFFFu);
        u32(static_cast<std::uint32_t>(n));
    }
    void text(const std::string& s) {
        count(s.size());
        out_.insert(out_.end(), s.begin(), s.end());
    }

private:
    std::vector<std::uint8_t>& out_;
};

} // namespace

std::vector<std::uint8_t> encode_recording(const std::vector<recorded_trace>& traces,
                                           const std::vector<recorded_events>& events) {
    std::vector<std::uint8_t> out;
    blob_writer w(out);
    w.u32(recording_magic);
    w.u32(recording_version);
    w.count(traces.size());
    for (const recorded_trace& t : traces) {
        w.text(t.path);
        w.count(t.columns);
        const std::size_t width = t.columns + 1;
        SF_ASSERT(t.rows.size() % width == 0);
        w.count(t.rows.size() / width);
        for (const float v : t.rows) {
            w.f32(v);
        }
    }
    w.count(events.size());
    for (const recorded_events& e : events) {
        w.text(e.path);
        w.u32(e.id_first ? 1 : 0);
        w.count(e.events.size());
        for (const auto& [time, id] : e.events) {
            w.f64(time);
            w.text(id);
        }
    }
    return out;
}

} // namespace sf::emulator
