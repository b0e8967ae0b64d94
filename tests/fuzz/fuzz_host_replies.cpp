// The host's request channel fed arbitrary frames as the board's answers: each input is split
// into frames (2-byte length, then the bytes) that a link in memory hands to the channel while it
// waits for replies. The channel must count what it cannot use and throw only its own errors.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include <sf/host/board_client.hpp>
#include <sf/host/host_errors.hpp>
#include <sf/host/request_channel.hpp>

namespace {

// Answers every frame the host sends with the next fuzzed frame, patched to carry the host's
// session and the request's sequence number when the fuzzer asks for it (first byte odd), so
// that deeper states are reached.
class fuzz_link final : public sf::host::frame_link {
public:
    fuzz_link(const std::uint8_t* data, std::size_t size) {
        std::size_t at = 0;
        while (at + 2 <= size) {
            const std::size_t n = std::size_t{data[at]} | std::size_t{data[at + 1]} << 8;
            at += 2;
            const std::size_t take = n < size - at ? n : size - at;
            frames_.emplace_back(data + at, data + at + take);
            at += take;
        }
    }
    std::size_t max_frame() const override { return 1472; }
    std::error_code send(const std::uint8_t* bytes, std::size_t size) override {
        if (size >= 20) {
            last_session_ = load(bytes + 8);
            last_sequence_ = load(bytes + 12);
        }
        return {};
    }
    sf::host::expected<std::size_t> receive(std::uint8_t* buffer, std::size_t capacity,
                                            std::chrono::microseconds) override {
        if (frames_.empty()) {
            return std::make_error_code(std::errc::connection_refused); // ends the run
        }
        std::vector<std::uint8_t> frame = std::move(frames_.front());
        frames_.pop_front();
        if (frame.size() > capacity) {
            return std::make_error_code(std::errc::message_size);
        }
        if (frame.size() >= 20 && (frame[0] & 1) != 0) {
            frame[0] = 0x53; // the magic's first byte, so that the frame gets further
            store(frame.data() + 8, last_session_);
            store(frame.data() + 12, last_sequence_);
            const std::size_t length = frame.size() - 20;
            frame[6] = static_cast<std::uint8_t>(length);
            frame[7] = static_cast<std::uint8_t>(length >> 8);
            const std::uint32_t crc =
                sf::firmware::protocol::detail::frame_crc(frame.data(), length);
            store(frame.data() + 16, crc);
        }
        std::copy(frame.begin(), frame.end(), buffer);
        return frame.size();
    }

private:
    static std::uint32_t load(const std::uint8_t* b) {
        return std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 |
               std::uint32_t{b[3]} << 24;
    }
    static void store(std::uint8_t* b, std::uint32_t v) {
        for (int k = 0; k < 4; ++k) {
            b[k] = static_cast<std::uint8_t>(v >> (8 * k));
        }
    }
    std::deque<std::vector<std::uint8_t>> frames_;
    std::uint32_t last_session_ = 0;
    std::uint32_t last_sequence_ = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sf::host::connect_options options;
    options.channel.first_timeout = std::chrono::microseconds(1);
    options.channel.tries = 2;
    try {
        sf::host::board_client client(std::make_unique<fuzz_link>(data, size), options);
        const std::vector<std::uint8_t> image(3000, 0x5A);
        client.load_bytes(image);
        sf::host::key_io io;
        io.input = [](std::uint32_t step) { return std::vector<std::uint32_t>(step % 3, step); };
        io.output = [](std::uint32_t, const std::vector<std::uint32_t>&) {};
        client.run(3, &io);
        client.read_recording();
        client.read_counters();
    } catch (const sf::host::transport_error&) {
    } catch (const sf::host::board_refused&) {
    } catch (const sf::host::session_error&) {
    } catch (const sf::host::usage_error&) {
    }
    return 0;
}
