#include <algorithm>
#include <cmath>

#include <sf/emulator/board_endpoint.hpp>
#include <sf/firmware/assert.hpp>

namespace sf::emulator {

namespace protocol = firmware::protocol;
using std::chrono::microseconds;

namespace {

// Steps one call to advance() computes at most, so that frames are not kept waiting.
constexpr std::uint64_t steps_per_advance = 4096;

} // namespace

board_endpoint::board_endpoint(std::unique_ptr<served_board> board, const endpoint_options& options,
                               logger log)
    : board_(std::move(board)), options_(options), log_(std::move(log)),
      buffer_(new std::uint8_t[protocol::max_frame]),
      reply_(new std::uint8_t[protocol::max_frame]) {
    SF_ASSERT(board_ != nullptr);
    side_ = std::make_unique<endpoint_side>(*board_);
}

board_endpoint::~board_endpoint() = default;

void board_endpoint::receive(const std::uint8_t* frame, std::size_t size, const sender& send) {
    const protocol::board_state before = side_->state();
    const std::uint64_t late_before = side_->inject_late();
    const std::size_t reply = side_->handle(frame, size, reply_.get(), protocol::max_frame);
    note_late_input(frame, size, late_before);
    if (reply > 0) {
        log_transition(before, reply_.get(), reply);
    }
    if (before != protocol::board_state::running &&
        side_->state() == protocol::board_state::running) {
        paced_run_ = false; // a new free run: its realtime clock starts at its first advance
    }
    // The reply waits in its own buffer while the spikes it follows go out through the other.
    send_output(send);
    if (reply > 0) {
        send(reply_.get(), reply);
    }
}

// A spikes_in frame the board side took but counted late: its keys are kept apart under the step
// they were meant for, and the log says so the first time a step's input is late.
void board_endpoint::note_late_input(const std::uint8_t* frame, std::size_t size,
                                     std::uint64_t late_before) {
    const std::uint64_t late = side_->inject_late() - late_before;
    if (late == 0) {
        return;
    }
    protocol::frame f;
    SF_ASSERT(protocol::decode_frame(frame, size, f) == protocol::decode_status::ok);
    protocol::spikes_in m;
    SF_ASSERT(protocol::decode_message(f, m));
    constexpr std::size_t steps_logged = 10;
    std::uint64_t& keys = late_input_[m.step];
    if (keys == 0 && log_ && late_input_.size() == steps_logged + 1) {
        log_("late input: more steps with late input; counted without a line each");
    } else if (keys == 0 && log_ && late_input_.size() <= steps_logged) {
        log_("late input: " + std::to_string(late) + " keys for step " + std::to_string(m.step) +
             ", which was computed before they came (step " +
             std::to_string(board_->current_step()) + " is done); not applied");
    }
    keys += late;
}

void board_endpoint::send_output(const sender& send) {
    for (;;) {
        const std::size_t size = side_->poll_output(buffer_.get(), protocol::max_frame);
        if (size == 0) {
            return;
        }
        send(buffer_.get(), size);
    }
}

// Image loads and refusals go to the log, with the board's reason for a refusal.
void board_endpoint::log_transition(protocol::board_state before, const std::uint8_t* reply,
                                    std::size_t size) {
    if (!log_) {
        return;
    }
    protocol::frame f;
    if (protocol::decode_frame(reply, size, f) != protocol::decode_status::ok) {
        return;
    }
    if (f.head.type == protocol::message_type::error) {
        protocol::error_reply e;
        if (protocol::decode_message(f, e) && e.why == protocol::reason::image_refused) {
            log_("image refused: " + board_->image_problem());
        }
        return;
    }
    if (before != protocol::board_state::loaded &&
        side_->state() == protocol::board_state::loaded &&
        f.head.type == protocol::message_type::ack) {
        const protocol::board_info info = board_->info();
        log_("image loaded: " + std::to_string(info.chips) + " chips, " +
             std::to_string(info.cores) + " cores, dt " + std::to_string(board_->dt() * 1e3) +
             " ms");
    }
}

void board_endpoint::close_session() { side_->close_session(); }

microseconds board_endpoint::advance(const sender& send) {
    const microseconds wait =
        options_.pace == pace::lockstep ? advance_lockstep(send) : advance_realtime(send);
    send_output(send); // also what a step request left waiting for credit
    return wait;
}

microseconds board_endpoint::advance_lockstep(const sender& send) {
    for (std::uint64_t k = 0; k < steps_per_advance; ++k) {
        if (!board_->running() || !board_->input_ready(board_->current_step() + 1)) {
            return microseconds::max(); // the next frame brings the input, or a stop
        }
        board_->free_step();
        send_output(send);
    }
    return microseconds(0);
}

microseconds board_endpoint::advance_realtime(const sender& send) {
    using clock = std::chrono::steady_clock;
    if (!board_->running()) {
        paced_run_ = false;
        return microseconds::max();
    }
    const auto now = clock::now();
    if (!paced_run_) {
        paced_run_ = true;
        run_began_ = now;
        run_steps_ = 0;
    }
    const double step_seconds = board_->dt() / (options_.speed_up > 0.0 ? options_.speed_up : 1.0);
    const double elapsed = std::chrono::duration<double>(now - run_began_).count();
    const auto due = static_cast<std::uint64_t>(std::floor(elapsed / step_seconds));
    for (std::uint64_t k = 0; k < steps_per_advance && run_steps_ < due; ++k) {
        late_steps_ += due - run_steps_ > 1 ? 1 : 0;
        if (!board_->free_step()) {
            break;
        }
        ++run_steps_;
        send_output(send);
    }
    if (!board_->running()) {
        paced_run_ = false;
        return microseconds::max();
    }
    const double next = static_cast<double>(run_steps_ + 1) * step_seconds - elapsed;
    return next <= 0.0 ? microseconds(0)
                       : microseconds(static_cast<std::int64_t>(std::ceil(next * 1e6)));
}

} // namespace sf::emulator
