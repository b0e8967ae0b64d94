#pragma once

#include <cstddef>
#include <cstdint>

#include <sf/firmware/protocol/board_port.hpp>
#include <sf/firmware/protocol/counters.hpp>
#include <sf/firmware/protocol/frame.hpp>
#include <sf/firmware/protocol/image_transfer.hpp>
#include <sf/firmware/protocol/messages.hpp>
#include <sf/firmware/protocol/reliability.hpp>
#include <sf/firmware/protocol/status.hpp>

// The board's side of the host protocol (docs/protocol.md): the code a board's control core runs.
// It takes received frames, acts on those that pass every check through a board_port, and writes
// at most one reply per frame into the caller's buffer; it refuses everything else and counts it
// by reason. One session controls the board at a time. Freestanding: no allocation; the state is
// this object (about MaxChunks / 8 + Window bytes plus a few words).
namespace sf::firmware::protocol {

template <std::size_t MaxChunks = 4096, std::size_t Window = 64>
class board_side {
public:
    explicit board_side(board_port& port) : port_(port), max_frame_(link_frame()) {}

    // Handles one received frame of `size` bytes; returns the size of the reply written to `out`
    // (at most `capacity` bytes), or 0 when there is none.
    std::size_t handle(const std::uint8_t* in, std::size_t size, std::uint8_t* out,
                       std::size_t capacity) {
        refresh_state();
        const std::size_t room = capacity < max_frame_ ? capacity : max_frame_;
        frame f;
        const decode_status status = decode_frame(in, size, f);
        if (status != decode_status::ok) {
            return refuse_frame(status, in, out, room);
        }
        switch (class_of(f.head.type)) {
        case message_class::request: return on_request(f, out, room);
        case message_class::bulk:
            if (in_session(f)) {
                on_chunk(f);
            }
            return 0;
        case message_class::stream_in:
            if (in_session(f)) {
                on_spikes(f);
            }
            return 0;
        default: count(reason::not_a_request); return 0;
        }
    }

    // Writes the next spikes_out frame to `out` when spikes wait and the host's credit allows;
    // returns its size, or 0.
    std::size_t poll_output(std::uint8_t* out, std::size_t capacity) {
        refresh_state();
        const std::size_t room = capacity < max_frame_ ? capacity : max_frame_;
        std::uint32_t step = 0;
        if (!session_open_ || room < header_bytes + spikes_out::fixed_bytes ||
            !port_.pending_spikes(step)) {
            return 0;
        }
        const std::uint32_t credit = output_.room();
        if (credit == 0) {
            return 0; // spikes wait for credit in the port's queue, which counts what it drops
        }
        const std::size_t fit = max_keys(room);
        if (fit == 0) {
            return 0; // a frame without keys would say the step had none
        }
        byte_writer w(out + header_bytes, room - header_bytes);
        w.put_u32(step);
        const std::size_t keys = take_keys(step, credit < fit ? credit : fit, w);
        counters_.output_frames += 1;
        counters_.output_events += keys;
        const std::uint32_t first = output_.send(static_cast<std::uint32_t>(keys));
        return finish_frame(out, room, reply_header(message_type::spikes_out, session_, first, w));
    }

    // Closes the open session without a bye, as when its host has gone silent: a free run stops,
    // no spikes go out any more, and the next hello opens a new session. The image stays.
    void close_session() {
        refresh_state();
        if (state_ == board_state::running) {
            port_.stop();
            state_ = board_state::stopped;
        }
        if (session_open_) {
            port_.watch(nullptr, 0);
        }
        session_open_ = false;
    }

    board_state state() const { return state_; }
    bool session_open() const { return session_open_; }
    std::uint32_t session() const { return session_; }
    // Input keys that came for a step already computed, since start-up (cheap: no board call).
    std::uint64_t inject_late() const { return counters_.inject_late; }
    // The board side's counters, with the board's own (kernel, output queue) filled in.
    board_counters counters() const {
        board_counters all = counters_;
        all.kernel = port_.counters();
        all.compute_microseconds = port_.compute_microseconds();
        all.output_dropped = port_.spikes_dropped();
        return all;
    }

private:
    // Where a request's reply goes.
    struct reply_to {
        std::uint32_t session;
        std::uint32_t sequence;
        message_type request;
        std::uint8_t* out;
        std::size_t room;
    };

    std::uint16_t link_frame() const {
        const std::uint16_t link = port_.info().max_frame;
        return link >= header_bytes && link <= max_frame ? link : max_frame_udp;
    }
    void count(reason why) { ++refused(counters_, why); }
    bool in_session(const frame& f) {
        if (session_open_ && f.head.session == session_) {
            return true;
        }
        count(reason::bad_session);
        return false;
    }
    // A free run that has ended leaves the board stopped.
    void refresh_state() {
        if (state_ == board_state::running && !port_.running()) {
            state_ = board_state::stopped;
        }
    }
    static header reply_header(message_type type, std::uint32_t session, std::uint32_t sequence,
                               const byte_writer& payload) {
        header h;
        h.type = type;
        h.session = session;
        h.sequence = sequence;
        h.payload_length = static_cast<std::uint16_t>(payload.size());
        return h;
    }

    // Frames refused before their header can be trusted get no reply, except a version the board
    // does not speak: the host learns which one it does.
    std::size_t refuse_frame(decode_status status, const std::uint8_t* in, std::uint8_t* out,
                             std::size_t room) {
        count(reason_of(status));
        if (status != decode_status::bad_version) {
            return 0;
        }
        const header h = peek_header(in);
        error_reply e;
        e.why = reason::bad_version;
        e.request_type = static_cast<std::uint8_t>(h.type);
        e.state = state_;
        e.detail = version;
        return encode_message(out, room, h.session, h.sequence, e);
    }

    std::size_t on_request(const frame& f, std::uint8_t* out, std::size_t room) {
        const reply_to to{f.head.session, f.head.sequence, f.head.type, out, room};
        if (f.head.type == message_type::hello) {
            return on_hello(f, to);
        }
        if (!in_session(f)) {
            return send_error(to, reason::bad_session, 0, false);
        }
        switch (window_.classify(f.head.sequence)) {
        case window_verdict::too_old:
        case window_verdict::too_far: count(reason::out_of_window); return 0;
        case window_verdict::duplicate: count(reason::duplicate); return on_duplicate(f, to);
        case window_verdict::fresh: break;
        }
        window_.accept(f.head.sequence);
        if (reads_only(f.head.type)) {
            return on_read(f, to);
        }
        std::uint32_t detail = 0;
        const reason why = apply(f, detail);
        outcome_[f.head.sequence % Window] = static_cast<std::uint8_t>(why);
        if (f.head.type == message_type::bye && why == reason::none) {
            session_open_ = false;
        }
        return why == reason::none ? send_ack(to, ack_outcome::applied)
                                   : send_error(to, why, detail, true);
    }

    // A request handled before is never applied again: a read is answered afresh, a change
    // with the outcome recorded for its sequence number.
    std::size_t on_duplicate(const frame& f, const reply_to& to) {
        if (reads_only(f.head.type)) {
            return on_read(f, to);
        }
        const auto why = static_cast<reason>(outcome_[f.head.sequence % Window]);
        return why == reason::none ? send_ack(to, ack_outcome::duplicate)
                                   : send_error(to, why, 0, false);
    }

    static bool reads_only(message_type type) {
        return type == message_type::load_query || type == message_type::read_recording ||
               type == message_type::read_counters;
    }

    std::size_t on_hello(const frame& f, const reply_to& to) {
        hello_request m;
        if (!decode_message(f, m)) {
            return send_error(to, reason::bad_payload, 0, true);
        }
        if (session_open_ && f.head.session == session_) {
            const window_verdict v = window_.classify(f.head.sequence);
            if (v == window_verdict::too_old || v == window_verdict::too_far) {
                count(reason::out_of_window);
                return 0;
            }
            if (v == window_verdict::duplicate) {
                count(reason::duplicate);
            }
            window_.accept(f.head.sequence);
            return send_hello(to);
        }
        if (f.head.session == 0) {
            return send_error(to, reason::bad_session, 0, true);
        }
        if (session_open_ && !m.take_over) {
            return send_error(to, reason::busy, 0, true);
        }
        open_session(f, m);
        return send_hello(to);
    }

    void open_session(const frame& f, const hello_request& m) {
        session_open_ = true;
        session_ = f.head.session;
        window_.reset(f.head.sequence);
        window_.accept(f.head.sequence);
        const std::uint16_t link = link_frame();
        max_frame_ = m.max_frame < link ? m.max_frame : link;
        output_.reset(m.spikes_out_limit);
        input_.reset(0);
        port_.watch(nullptr, 0);
    }

    // The requests that change the board; none, or why the request is refused.
    reason apply(const frame& f, std::uint32_t& detail) {
        switch (f.head.type) {
        case message_type::bye: return on_bye(f);
        case message_type::credit: return on_credit(f);
        case message_type::watch: return on_watch(f);
        case message_type::load_begin: return on_load_begin(f);
        case message_type::load_commit: return on_load_commit(f, detail);
        case message_type::start: return on_start(f);
        case message_type::stop: return on_stop(f);
        case message_type::step: return on_step(f);
        case message_type::run: return on_run(f);
        case message_type::reset: return on_reset(f);
        default: return reason::bad_payload;
        }
    }

    static reason on_bye(const frame& f) {
        bye_request m;
        return decode_message(f, m) ? reason::none : reason::bad_payload;
    }

    reason on_credit(const frame& f) {
        credit_request m;
        if (!decode_message(f, m)) {
            return reason::bad_payload;
        }
        output_.grant(m.spikes_out_limit);
        return reason::none;
    }

    reason on_watch(const frame& f) {
        watch_request m;
        if (!decode_message(f, m)) {
            return reason::bad_payload;
        }
        port_.watch(m.filters, m.count);
        return reason::none;
    }

    reason on_load_begin(const frame& f) {
        load_begin_request m;
        if (!decode_message(f, m)) {
            return reason::bad_payload;
        }
        if (state_ == board_state::running) {
            return reason::wrong_state;
        }
        if (m.total_bytes > port_.info().max_image_bytes || m.chunk_count > MaxChunks) {
            return reason::too_large;
        }
        if (!port_.begin_image(m.total_bytes)) {
            return reason::too_large;
        }
        state_ = board_state::idle;
        return transfer_.begin(f.head.sequence, m);
    }

    reason on_load_commit(const frame& f, std::uint32_t& detail) {
        load_commit_request m;
        if (!decode_message(f, m)) {
            return reason::bad_payload;
        }
        if (!transfer_.open()) {
            return reason::no_transfer;
        }
        if (!transfer_.chunks().complete()) {
            detail = transfer_.chunks().missing();
            return reason::incomplete;
        }
        transfer_.close();
        if (!port_.commit_image(transfer_.total_bytes())) {
            return reason::image_refused;
        }
        state_ = board_state::loaded;
        return reason::none;
    }

    // Why a request that runs the board cannot run in this state, or none.
    reason can_compute() const {
        if (state_ == board_state::idle) {
            return reason::not_loaded;
        }
        return state_ == board_state::running ? reason::wrong_state : reason::none;
    }

    reason on_start(const frame& f) {
        start_request m;
        const reason why = decode_message(f, m) ? can_compute() : reason::bad_payload;
        if (why == reason::none) {
            port_.start();
            state_ = board_state::running;
        }
        return why;
    }

    reason on_stop(const frame& f) {
        stop_request m;
        if (!decode_message(f, m)) {
            return reason::bad_payload;
        }
        if (state_ == board_state::idle) {
            return reason::not_loaded;
        }
        if (state_ == board_state::running) {
            port_.stop();
            state_ = board_state::stopped;
        }
        return reason::none;
    }

    reason on_step(const frame& f) {
        step_request m;
        if (!decode_message(f, m)) {
            return reason::bad_payload;
        }
        const reason why = m.steps == 0 ? reason::bad_argument : can_compute();
        if (why == reason::none) {
            port_.step(m.steps);
            state_ = board_state::stopped;
        }
        return why;
    }

    reason on_run(const frame& f) {
        run_request m;
        if (!decode_message(f, m)) {
            return reason::bad_payload;
        }
        const reason why = m.microseconds == 0 ? reason::bad_argument : can_compute();
        if (why == reason::none) {
            port_.run_for(m.microseconds);
            state_ = board_state::running;
        }
        return why;
    }

    reason on_reset(const frame& f) {
        reset_request m;
        if (!decode_message(f, m)) {
            return reason::bad_payload;
        }
        port_.reset();
        transfer_.close();
        state_ = board_state::idle;
        return reason::none;
    }

    // Requests that only read; each writes its own reply.
    std::size_t on_read(const frame& f, const reply_to& to) {
        switch (f.head.type) {
        case message_type::load_query: return on_load_query(f, to);
        case message_type::read_recording: return on_read_recording(f, to);
        default: {
            read_counters_request m;
            if (!decode_message(f, m)) {
                return send_error(to, reason::bad_payload, 0, true);
            }
            counters_reply r;
            r.values = counters();
            return encode_message(to.out, to.room, to.session, to.sequence, r);
        }
        }
    }

    std::size_t on_load_query(const frame& f, const reply_to& to) {
        load_query_request m;
        if (!decode_message(f, m)) {
            return send_error(to, reason::bad_payload, 0, true);
        }
        if (!transfer_.open()) {
            return send_error(to, reason::no_transfer, 0, true);
        }
        const std::size_t fixed = header_bytes + load_missing_reply::fixed_bytes;
        if (to.room <= fixed) {
            return 0;
        }
        byte_writer w(to.out + header_bytes, to.room - header_bytes);
        std::uint8_t* const fields = w.claim(load_missing_reply::fixed_bytes);
        const std::uint32_t covered = transfer_.chunks().report(m.first_chunk, w, to.room - fixed);
        byte_writer head(fields, load_missing_reply::fixed_bytes);
        head.put_u32(transfer_.id());
        head.put_u32(m.first_chunk);
        head.put_u32(covered);
        head.put_u32(transfer_.chunks().missing());
        return finish_frame(to.out, to.room,
                            reply_header(message_type::load_missing, to.session, to.sequence, w));
    }

    std::size_t on_read_recording(const frame& f, const reply_to& to) {
        read_recording_request m;
        if (!decode_message(f, m)) {
            return send_error(to, reason::bad_payload, 0, true);
        }
        if (state_ == board_state::idle) {
            return send_error(to, reason::not_loaded, 0, true);
        }
        const std::size_t fixed = header_bytes + recording_data_reply::fixed_bytes;
        if (to.room < fixed) {
            return 0;
        }
        const std::size_t fits = to.room - fixed < m.max_bytes ? to.room - fixed : m.max_bytes;
        std::uint32_t total = 0;
        std::size_t got = port_.read_recording(m.offset, to.out + fixed, fits, total);
        got = got < fits ? got : fits;
        byte_writer w(to.out + header_bytes, to.room - header_bytes);
        w.put_u32(m.offset);
        w.put_u32(total);
        w.claim(got); // the port wrote the bytes in place
        return finish_frame(to.out, to.room,
                            reply_header(message_type::recording_data, to.session, to.sequence, w));
    }

    void on_chunk(const frame& f) {
        load_chunk m;
        if (!decode_message(f, m)) {
            count(reason::bad_payload);
            return;
        }
        const reason why =
            state_ == board_state::idle ? transfer_.check(f.head.sequence, m) : reason::no_transfer;
        if (why != reason::none) {
            count(why);
            return;
        }
        port_.load_section(m.offset, m.data, m.length);
        transfer_.written(f.head.sequence);
        ++counters_.chunks_written;
    }

    void on_spikes(const frame& f) {
        spikes_in m;
        if (!decode_message(f, m)) {
            count(reason::bad_payload);
            return;
        }
        if (state_ == board_state::idle) {
            count(reason::not_loaded);
            return;
        }
        const stream_verdict v = input_.classify(f.head.sequence, m.count);
        if (v.what != stream_verdict::kind::in_order) {
            count(v.what == stream_verdict::kind::stale ? reason::duplicate : reason::overrun);
            return;
        }
        input_.accept(f.head.sequence, m.count);
        counters_.inject_frames += 1;
        counters_.inject_lost += v.lost;
        if (!after(m.step, port_.current_step())) {
            counters_.inject_late += m.count;
            return;
        }
        inject_keys(m);
    }

    // Passes the frame's keys to the port in small batches, so no frame-sized buffer is needed.
    // A frame without keys is passed on too: it tells the board that the host's input for the
    // step is there (how a lockstep board knows it may compute the step).
    void inject_keys(const spikes_in& m) {
        constexpr std::size_t batch = 32;
        std::uint32_t keys[batch] = {};
        if (m.count == 0) {
            port_.inject(m.step, nullptr, 0);
            return;
        }
        for (std::size_t at = 0; at < m.count; at += batch) {
            const std::size_t n = m.count - at < batch ? m.count - at : batch;
            for (std::size_t k = 0; k < n; ++k) {
                keys[k] = m.key(at + k);
            }
            const std::size_t taken = port_.inject(m.step, keys, n);
            const std::size_t kept = taken < n ? taken : n;
            counters_.inject_events += kept;
            counters_.inject_dropped += n - kept;
        }
    }

    // Moves up to `wanted` keys of `step` from the port into `w`; returns how many.
    std::size_t take_keys(std::uint32_t step, std::size_t wanted, byte_writer& w) {
        constexpr std::size_t batch = 32;
        std::uint32_t keys[batch];
        std::size_t moved = 0;
        while (moved < wanted) {
            const std::size_t ask = wanted - moved < batch ? wanted - moved : batch;
            std::size_t got = port_.take_spikes(step, keys, ask);
            got = got < ask ? got : ask;
            for (std::size_t k = 0; k < got; ++k) {
                w.put_u32(keys[k]);
            }
            moved += got;
            if (got < ask) {
                break;
            }
        }
        return moved;
    }

    std::size_t send_ack(const reply_to& to, ack_outcome outcome) {
        ack_reply a;
        a.outcome = outcome;
        a.state = state_;
        a.step = port_.current_step();
        a.inject_limit = input_.grant(port_.inject_room());
        return encode_message(to.out, to.room, to.session, to.sequence, a);
    }

    std::size_t send_error(const reply_to& to, reason why, std::uint32_t detail, bool counted) {
        if (counted) {
            count(why);
        }
        error_reply e;
        e.why = why;
        e.request_type = static_cast<std::uint8_t>(to.request);
        e.state = state_;
        e.detail = detail;
        return encode_message(to.out, to.room, to.session, to.sequence, e);
    }

    std::size_t send_hello(const reply_to& to) {
        const board_info info = port_.info();
        hello_reply r;
        r.state = state_;
        r.max_frame = max_frame_;
        r.board_id = info.board_id;
        r.chips = info.chips;
        r.cores = info.cores;
        r.max_image_bytes = info.max_image_bytes;
        r.max_chunks = static_cast<std::uint32_t>(MaxChunks);
        r.request_window = static_cast<std::uint16_t>(Window);
        r.step = port_.current_step();
        r.inject_limit = input_.grant(port_.inject_room());
        return encode_message(to.out, to.room, to.session, to.sequence, r);
    }

    board_port& port_;
    std::uint16_t max_frame_;
    board_state state_ = board_state::idle;
    bool session_open_ = false;
    std::uint32_t session_ = 0;
    receive_window<Window> window_;
    std::uint8_t outcome_[Window] = {}; // the reason each handled request was answered with
    image_transfer<MaxChunks> transfer_;
    stream_receiver input_;
    credit_sender output_;
    board_counters counters_;
};

} // namespace sf::firmware::protocol
