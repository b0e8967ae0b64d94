#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <sf/emulator/board_endpoint.hpp>
#include <sf/firmware/protocol/frame.hpp>
#include <sf/host/host_errors.hpp>
#include <sf/host/link_registry.hpp>

#include "emulator_link.hpp"
#include "serve_command.hpp"

namespace sf::cli {

namespace {

// Frames go to the endpoint as they are sent; what it sends back waits in a queue for receive().
// A free run advances while the host waits for a frame, as the server's loop would.
class emulator_link final : public host::frame_link {
public:
    explicit emulator_link(std::unique_ptr<emulator::served_board> board)
        : endpoint_(std::move(board), emulator::endpoint_options{}) {}

    std::size_t max_frame() const override { return firmware::protocol::max_frame; }

    std::error_code send(const std::uint8_t* bytes, std::size_t size) override {
        endpoint_.receive(bytes, size, queue());
        return {};
    }

    host::expected<std::size_t> receive(std::uint8_t* buffer, std::size_t capacity,
                                        std::chrono::microseconds timeout) override {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (inbox_.empty()) {
            const std::chrono::microseconds next = endpoint_.advance(queue());
            if (!inbox_.empty()) {
                break;
            }
            const auto now = std::chrono::steady_clock::now();
            if (now >= deadline) {
                return std::make_error_code(std::errc::timed_out);
            }
            // Nothing will come before the next paced step (or ever, when the board waits).
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(next, deadline - now));
        }
        const std::vector<std::uint8_t> frame = std::move(inbox_.front());
        inbox_.pop_front();
        if (frame.size() > capacity) {
            return std::make_error_code(std::errc::message_size);
        }
        std::memcpy(buffer, frame.data(), frame.size());
        return frame.size();
    }

private:
    emulator::board_endpoint::sender queue() {
        return [this](const std::uint8_t* frame, std::size_t size) {
            inbox_.emplace_back(frame, frame + size);
        };
    }

    emulator::board_endpoint endpoint_;
    std::deque<std::vector<std::uint8_t>> inbox_;
};

} // namespace

void register_emulator_links() {
    host::register_link_scheme(
        "emu", [](const std::string& url) -> host::expected<std::unique_ptr<host::frame_link>> {
            const std::string target = url.substr(url.find("://") + 3);
            auto board = make_served_board(target, firmware::protocol::max_frame);
            if (!board) {
                throw host::usage_error(
                    "no emulator target '" + target +
                    "' (emu://TARGET with TARGET one of: " + serve_target_list() + ")");
            }
            return std::unique_ptr<host::frame_link>(
                std::make_unique<emulator_link>(std::move(board)));
        });
}

} // namespace sf::cli
