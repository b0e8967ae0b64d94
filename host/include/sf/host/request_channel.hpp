#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include <sf/firmware/protocol/messages.hpp>
#include <sf/firmware/protocol/reliability.hpp>
#include <sf/host/frame_link.hpp>
#include <sf/host/host_errors.hpp>

// One session with a board over a frame link (docs/protocol.md, docs/host.md): the hello
// handshake, numbered requests kept within the board's request window, replies matched by
// sequence number, lost requests resent with a doubling timeout, duplicate replies ignored, and
// spikes_out frames that arrive meanwhile passed to a stream sink. Every frame it refuses or
// ignores is counted.
namespace sf::host {

namespace protocol = firmware::protocol;

struct channel_options {
    // The first wait for a reply; it doubles with every resend (10 ms suits UDP and USB).
    std::chrono::microseconds first_timeout{10000};
    // Sends of one request (the first and the resends) before the channel gives up.
    int tries = 10;
    // spikes_out keys the host takes ahead: the credit it grants the board.
    std::uint32_t output_buffer_keys = 1u << 16;
};

// What the host's side of the session has seen; nothing is dropped without being counted here.
struct channel_counters {
    std::uint64_t requests = 0;              // distinct requests sent
    std::uint64_t retransmissions = 0;       // resends after a timeout
    std::uint64_t timeouts = 0;              // reply waits that timed out (each led to a resend)
    std::uint64_t duplicate_replies = 0;     // a reply to a request already answered
    std::uint64_t unmatched_replies = 0;     // a reply to no request this session sent
    std::uint64_t refused_frames = 0;        // failed the frame checks (by reason below)
    std::uint64_t refused_by_status[7] = {}; // indexed by protocol::decode_status
    std::uint64_t foreign_session = 0;       // intact frames of another session
    std::uint64_t bad_payload = 0;       // replies or stream frames whose payload did not decode
    std::uint64_t unexpected_frames = 0; // intact frames of a class a host never receives
    std::uint64_t damaged_requests = 0;  // the board saw a request's version byte damaged
    std::uint64_t frames_sent = 0;       // every frame, resends included
    std::uint64_t frames_received = 0;
    std::uint64_t bulk_frames_sent = 0; // image chunks
    std::uint64_t input_frames = 0;     // spikes_in frames sent
    std::uint64_t input_keys = 0;
    std::uint64_t output_frames = 0; // spikes_out frames taken
    std::uint64_t output_keys = 0;
    std::uint64_t output_lost = 0;       // keys that never came (gaps in the stream's indices)
    std::uint64_t output_duplicates = 0; // stale spikes_out frames (copies, overtaken frames)
    std::uint64_t output_overruns = 0;   // spikes_out frames past the host's credit
    std::uint64_t link_frames_lost = 0;  // frames the link dropped before the channel saw them
};

// Where the host's time went, in seconds: encoding frames, handing them to the link, waiting
// for the board (its execution and the link both ways), decoding what came back.
struct phase_timing {
    double encode = 0.0;
    double send = 0.0;
    double wait = 0.0;
    double decode = 0.0;
};

// A checked reply: its header and a copy of its payload.
struct reply {
    protocol::header head;
    std::vector<std::uint8_t> payload;

    // Decodes the payload as `M`; false when the reply is of another type or malformed. Views
    // in `m` (bitmaps, data) point into this reply.
    template <class M>
    bool decode(M& m) const {
        protocol::frame f;
        f.head = head;
        f.payload = payload.data();
        return protocol::decode_message(f, m);
    }
};

// Receives the keys of each spikes_out frame, in stream order, with the frame's step.
using stream_sink =
    std::function<void(std::uint32_t step, const std::uint32_t* keys, std::size_t count)>;

class request_channel {
public:
    explicit request_channel(frame_link& link, channel_options options = {});

    // Opens the session: a random non-zero session id, hello, and the board's answer. Throws
    // session_error when the board speaks another version or another host holds it (unless
    // `take_over`), transport_error when it does not answer.
    const protocol::hello_reply& open(bool take_over);
    bool is_open() const { return open_; }
    const protocol::hello_reply& board() const { return hello_; }
    std::uint32_t session() const { return session_; }
    // The largest frame of the session (the smaller of the link's and the board's).
    std::size_t max_frame() const { return max_frame_; }
    std::uint16_t window() const { return window_; }

    // Sends a request once the window has room; returns its sequence number. `work` is how long
    // the board is expected to take to carry it out (steps to compute): its reply is waited for
    // that much longer before the request is sent again.
    template <class M>
    std::uint32_t submit(const M& m, std::chrono::microseconds work = {}) {
        return submit_encoded(
            static_cast<std::uint8_t>(M::type),
            [&](std::uint8_t* out, std::size_t room, std::uint32_t sequence) {
                return protocol::encode_message(out, room, session_, sequence, m);
            },
            work);
    }
    // Waits for the reply to `sequence`, resending as needed. Throws board_refused for an error
    // reply, transport_error when the tries run out or the link fails.
    reply await(std::uint32_t sequence);
    template <class M>
    reply call(const M& m, std::chrono::microseconds work = {}) {
        return await(submit(m, work));
    }
    // Sends a bulk or stream frame once: never answered, never resent by the channel.
    template <class M>
    void send_unanswered(std::uint32_t sequence, const M& m) {
        send_encoded(static_cast<std::uint8_t>(M::type), [&](std::uint8_t* out, std::size_t room) {
            return protocol::encode_message(out, room, session_, sequence, m);
        });
    }
    // Sends the keys of one step on the spikes_in stream, split into frames that fit; false
    // (nothing sent) when the board's credit does not cover them. No keys sends one empty frame.
    bool send_spikes(std::uint32_t step, const std::uint32_t* keys, std::size_t count);
    // spikes_in keys the board's credit still allows.
    std::uint32_t input_room() const { return input_.room(); }

    // Handles arriving frames for `duration` (resending overdue requests meanwhile).
    void pump_for(std::chrono::microseconds duration);
    void set_stream_sink(stream_sink sink) { sink_ = std::move(sink); }
    // The spikes_out limit to grant when half the host's buffer has been used, else nothing (0).
    std::uint32_t credit_due();
    // The spikes_out limit granted so far (what a credit request repeats).
    std::uint32_t output_limit() const { return output_.limit(); }
    // Sends of one request before giving up, from now on (a bye on the way out needs few).
    void set_tries(int tries) { options_.tries = tries < 1 ? 1 : tries; }
    // After bye: the session is over, and nothing more is sent in it.
    void mark_closed() { open_ = false; }
    // The latest ack the board sent (its state and step).
    const protocol::ack_reply& last_ack() const { return last_ack_; }

    // A copy, with the link's own losses as they stand now (the link drops frames on a thread of
    // its own, so they are read in here rather than counted as they happen).
    channel_counters counters() const;
    // Resends so far (cheap: the link is not asked).
    std::uint64_t retransmissions() const { return counters_.retransmissions; }
    const phase_timing& timing() const { return timing_; }
    // How long a request may go unanswered before the channel gives up (all its tries).
    std::chrono::microseconds give_up_after() const;

private:
    using clock = std::chrono::steady_clock;
    using encoder = std::function<std::size_t(std::uint8_t*, std::size_t, std::uint32_t)>;
    struct pending {
        std::vector<std::uint8_t> frame;
        std::uint8_t type = 0;
        clock::time_point first_sent;
        clock::time_point deadline;
        std::chrono::microseconds timeout{0};
        int tries = 0;
        bool answered = false;
        reply answer;
    };

    std::uint32_t submit_encoded(std::uint8_t type, const encoder& encode,
                                 std::chrono::microseconds work);
    void send_encoded(std::uint8_t type,
                      const std::function<std::size_t(std::uint8_t*, std::size_t)>& encode);
    void transmit(const std::vector<std::uint8_t>& frame);
    bool has_unanswered_before(std::uint32_t limit) const;
    std::uint32_t oldest_unanswered() const;
    void pump_once(clock::time_point until);
    void resend_overdue(clock::time_point now);
    void take_frame(const std::uint8_t* bytes, std::size_t size);
    void refuse_frame(protocol::decode_status status, const std::uint8_t* bytes, std::size_t size);
    static bool intact(const std::uint8_t* bytes, std::size_t size);
    void take_reply(const protocol::frame& f);
    void take_output(const protocol::frame& f);
    bool reply_well_formed(const reply& r);
    [[noreturn]] void refused(const pending& p, std::uint32_t sequence, const reply& r) const;

    frame_link& link_;
    channel_options options_;
    bool open_ = false;
    std::uint32_t session_ = 0;
    std::uint32_t next_sequence_ = 0;
    std::uint16_t window_ = 1;
    std::size_t max_frame_ = protocol::max_frame_udp;
    protocol::hello_reply hello_;
    protocol::ack_reply last_ack_;
    std::map<std::uint32_t, pending> pending_; // by sequence distance from the session's first
    std::uint32_t first_sequence_ = 0;
    protocol::credit_sender input_;
    protocol::stream_receiver output_;
    stream_sink sink_;
    std::vector<std::uint8_t> receive_buffer_;
    std::vector<std::uint32_t> key_buffer_;
    channel_counters counters_;
    phase_timing timing_;
};

} // namespace sf::host
