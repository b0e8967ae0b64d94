#include <cmath>
#include <deque>
#include <string>
#include <thread>

#include <sf/host/board_client.hpp>

// The board_client calls besides loading and lockstep runs: free runs in real time, reading the
// recording and the counters, reset and bye.
namespace sf::host {

namespace {

using clock = std::chrono::steady_clock;
using seconds = std::chrono::duration<double>;

// How often a free run's progress is asked for.
constexpr std::chrono::milliseconds poll_interval{20};

} // namespace

run_report board_client::run_realtime(
    std::uint32_t steps, double dt_seconds,
    const std::function<void(std::uint32_t, const std::vector<std::uint32_t>&)>& output) {
    const auto started = clock::now();
    run_report report;
    const std::uint32_t first = channel_.last_ack().step;
    std::vector<std::uint32_t> keys;
    channel_.set_stream_sink([&](std::uint32_t step, const std::uint32_t* k, std::size_t n) {
        report.output_keys += n;
        if (output) {
            keys.assign(k, k + n);
            output(step, keys);
        }
    });
    struct restore {
        board_client& client;
        ~restore() {
            client.channel_.set_stream_sink(
                [c = &client](std::uint32_t step, const std::uint32_t* k, std::size_t n) {
                    c->hold_output(step, k, n);
                });
        }
    } restore_sink{*this};
    protocol::run_request r;
    r.microseconds = static_cast<std::uint64_t>(std::llround(steps * dt_seconds * 1e6));
    if (r.microseconds == 0) {
        throw usage_error("a real-time run of " + std::to_string(steps) + " steps of " +
                          std::to_string(dt_seconds) + " s lasts no time");
    }
    channel_.call(r);
    const auto expected_end = started + std::chrono::microseconds(r.microseconds);
    for (;;) {
        // An empty input frame for the run's last step: a board paced in lockstep with the host
        // may compute every step up to it; to a board paced by its clock it is input for a step
        // to come, and changes nothing. Sent again each time, as stream frames are not resent.
        channel_.send_spikes(first + steps, nullptr, 0);
        channel_.pump_for(poll_interval);
        protocol::credit_request c;
        const std::uint32_t due = channel_.credit_due();
        c.spikes_out_limit = due != 0 ? due : channel_.output_limit();
        channel_.call(c);
        if (channel_.last_ack().state != protocol::board_state::running) {
            break;
        }
        if (clock::now() > expected_end + channel_.give_up_after()) {
            throw transport_error("the board still runs " +
                                  std::to_string(seconds(clock::now() - expected_end).count()) +
                                  " s after its run should have ended");
        }
    }
    report.last_step = channel_.last_ack().step;
    report.steps = report.last_step - first;
    delivered_through_ = report.last_step;
    report.seconds = seconds(clock::now() - started).count();
    return report;
}

std::vector<std::uint8_t> board_client::read_recording() {
    const auto room = static_cast<std::uint16_t>(channel_.max_frame() - protocol::header_bytes -
                                                 protocol::recording_data_reply::fixed_bytes);
    std::vector<std::uint8_t> bytes;
    std::uint32_t total = 0;
    bool sized = false;
    std::uint32_t next = 0;                                    // the first byte not yet asked for
    std::deque<std::pair<std::uint32_t, std::uint32_t>> asked; // (sequence, offset)
    auto ask = [&](std::uint32_t offset) {
        protocol::read_recording_request q;
        q.offset = offset;
        q.max_bytes = room;
        asked.emplace_back(channel_.submit(q), offset);
    };
    ask(0);
    while (!asked.empty()) {
        const auto [sequence, offset] = asked.front();
        asked.pop_front();
        const reply r = channel_.await(sequence);
        protocol::recording_data_reply m;
        if (!r.decode(m) || m.offset != offset || (sized && m.total != total)) {
            throw transport_error(
                "the board answered read_recording at byte " + std::to_string(offset) +
                " with no usable recording_data" +
                (sized && m.total != total ? " (the recording changed size)" : ""));
        }
        if (!sized) {
            sized = true;
            total = m.total;
            next = std::min<std::uint32_t>(room, total);
        }
        if (m.length == 0 && offset < total) {
            throw transport_error("the board returned no recording bytes at byte " +
                                  std::to_string(offset) + " of " + std::to_string(total));
        }
        // Grows with the bytes that came, never with what the board only claims.
        if (bytes.size() < std::size_t{offset} + m.length) {
            bytes.resize(std::size_t{offset} + m.length);
        }
        std::copy(m.data, m.data + m.length, bytes.begin() + offset);
        if (offset + m.length < std::min<std::uint32_t>(offset + room, total)) {
            ask(offset + m.length); // the board sent less than asked: ask for the rest
        }
        // Keep the window full with the requests for the bytes still to come.
        while (next < total && asked.size() < channel_.window()) {
            ask(next);
            next += std::min<std::uint32_t>(room, total - next);
        }
    }
    SF_ASSERT(bytes.size() == total); // every offset below total was asked for and came
    return bytes;
}

protocol::board_counters board_client::read_counters() {
    const reply r = channel_.call(protocol::read_counters_request{});
    protocol::counters_reply m;
    if (!r.decode(m)) {
        throw transport_error("the board answered read_counters with no usable counters");
    }
    return m.values;
}

void board_client::reset() {
    channel_.call(protocol::reset_request{});
    delivered_through_ = 0;
    output_by_step_.clear();
}

void board_client::close() {
    if (closed_) {
        return;
    }
    closed_ = true;
    try {
        channel_.call(protocol::bye_request{});
    } catch (const board_refused& e) {
        // A resent bye whose first copy closed the session finds no session: closed all the same.
        if (e.why() != protocol::reason::bad_session) {
            throw;
        }
    }
    channel_.mark_closed();
}

} // namespace sf::host
