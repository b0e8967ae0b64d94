#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <sf/emulator/served_board.hpp>
#include <sf/firmware/protocol/board_side.hpp>

// One board as a link sees it (docs/protocol.md, "The emulator server"): frames in, replies and
// spikes_out frames out, through the firmware's board side over a served board, and the pace of
// a free run.
namespace sf::emulator {

enum class pace {
    lockstep, // a free run's step t is computed as soon as the host's input for step t is there
    realtime, // a free run's steps come at dt × speed-up of wall-clock time
};

struct endpoint_options {
    enum pace pace = pace::lockstep;
    double speed_up = 1.0; // realtime: board time per wall-clock time
};

// Chunks enough for a 2 GiB image at 1452-byte chunks (about 1.5 million).
constexpr std::size_t endpoint_max_chunks = std::size_t{1} << 21;
using endpoint_side = firmware::protocol::board_side<endpoint_max_chunks, 64>;

class board_endpoint {
public:
    using sender = std::function<void(const std::uint8_t* frame, std::size_t size)>;
    using logger = std::function<void(const std::string& line)>;

    board_endpoint(std::unique_ptr<served_board> board, const endpoint_options& options,
                   logger log = {});
    ~board_endpoint();
    board_endpoint(const board_endpoint&) = delete;
    board_endpoint& operator=(const board_endpoint&) = delete;

    // Handles one received frame. The spikes_out frames of the steps it computed are sent first,
    // then the reply: a host that has the step's ack has been sent the step's spikes.
    void receive(const std::uint8_t* frame, std::size_t size, const sender& send);
    // Computes the steps of a free run that are due, sends their spikes, and tells how long until
    // the next step is due (microseconds::max() when it waits for a frame).
    std::chrono::microseconds advance(const sender& send);
    // Ends the session of a host that went silent (board_side::close_session).
    void close_session();

    bool session_open() const { return side_->session_open(); }
    std::uint32_t session() const { return side_->session(); }
    const endpoint_side& side() const { return *side_; }
    served_board& board() { return *board_; }
    const served_board& board() const { return *board_; }
    // Free-run steps computed after the wall-clock time they were due (realtime pace).
    std::uint64_t late_steps() const { return late_steps_; }
    // Input keys that came after their step was computed, by the step they were for (never
    // applied to another step); the board side counts them in all as inject_late.
    const std::map<std::uint32_t, std::uint64_t>& late_input() const { return late_input_; }

private:
    void send_output(const sender& send);
    void note_late_input(const std::uint8_t* frame, std::size_t size, std::uint64_t late_before);
    void log_transition(firmware::protocol::board_state before, const std::uint8_t* reply,
                        std::size_t size);
    std::chrono::microseconds advance_lockstep(const sender& send);
    std::chrono::microseconds advance_realtime(const sender& send);

    std::unique_ptr<served_board> board_;
    std::unique_ptr<endpoint_side> side_;
    endpoint_options options_;
    logger log_;
    std::unique_ptr<std::uint8_t[]> buffer_; // a spikes_out frame
    std::unique_ptr<std::uint8_t[]> reply_;  // the reply to the frame received
    bool paced_run_ = false;                 // a realtime run's clock is set
    std::chrono::steady_clock::time_point run_began_;
    std::uint64_t run_steps_ = 0; // steps of the paced run computed so far
    std::uint64_t late_steps_ = 0;
    std::map<std::uint32_t, std::uint64_t> late_input_;
};

} // namespace sf::emulator
