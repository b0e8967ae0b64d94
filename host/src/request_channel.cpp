#include <random>
#include <string>

#include <sf/host/request_channel.hpp>

namespace sf::host {

namespace {

using seconds = std::chrono::duration<double>;

// A random non-zero 32-bit value: session ids, and where a session's sequence numbers start.
std::uint32_t random_word() {
    static std::random_device device;
    static std::mt19937 generator(device());
    std::uint32_t value = 0;
    while (value == 0) {
        value = static_cast<std::uint32_t>(generator());
    }
    return value;
}

std::string version_mismatch(int board_version) {
    return "board speaks protocol version " + std::to_string(board_version) +
           ", this host speaks " + std::to_string(protocol::version);
}

} // namespace

request_channel::request_channel(frame_link& link, channel_options options)
    : link_(link), options_(options), receive_buffer_(protocol::max_frame),
      key_buffer_(protocol::max_keys(protocol::max_frame)) {
    if (options_.tries < 1) {
        options_.tries = 1;
    }
    if (options_.output_buffer_keys == 0 || options_.output_buffer_keys >= protocol::half_range) {
        options_.output_buffer_keys = 1u << 16;
    }
}

channel_counters request_channel::counters() const {
    channel_counters c = counters_;
    c.link_frames_lost = link_.frames_lost();
    return c;
}

std::chrono::microseconds request_channel::give_up_after() const {
    std::chrono::microseconds total{0};
    std::chrono::microseconds t = options_.first_timeout;
    for (int k = 0; k < options_.tries; ++k) {
        total += t;
        t *= 2;
    }
    return total;
}

const protocol::hello_reply& request_channel::open(bool take_over) {
    session_ = random_word();
    first_sequence_ = random_word();
    next_sequence_ = first_sequence_;
    window_ = 1;
    pending_.clear();
    output_.reset(options_.output_buffer_keys);
    protocol::hello_request h;
    h.take_over = take_over;
    const std::size_t link_frame = link_.max_frame();
    h.max_frame = static_cast<std::uint16_t>(
        link_frame < protocol::max_frame ? link_frame : protocol::max_frame);
    h.spikes_out_limit = options_.output_buffer_keys;
    reply r;
    try {
        r = call(h);
    } catch (const board_refused& e) {
        if (e.why() == protocol::reason::busy) {
            throw session_error("board busy: another host holds it (use take-over)");
        }
        if (e.why() == protocol::reason::bad_version) {
            throw session_error(version_mismatch(static_cast<int>(e.detail())));
        }
        throw;
    }
    protocol::hello_reply m;
    if (!r.decode(m)) {
        throw transport_error("the board answered hello with a " +
                              std::string(message_name(static_cast<std::uint8_t>(r.head.type))));
    }
    if (m.protocol_version != protocol::version) {
        throw session_error(version_mismatch(m.protocol_version));
    }
    if (m.max_frame < protocol::header_bytes + 64 || m.max_frame > h.max_frame) {
        throw transport_error("the board chose a largest frame of " + std::to_string(m.max_frame) +
                              " bytes; this host accepts 84 to " + std::to_string(h.max_frame));
    }
    hello_ = m;
    max_frame_ = m.max_frame;
    window_ = m.request_window == 0 ? 1 : m.request_window;
    input_.reset(m.inject_limit);
    last_ack_.state = m.state;
    last_ack_.step = m.step;
    last_ack_.inject_limit = m.inject_limit;
    open_ = true;
    return hello_;
}

std::uint32_t request_channel::submit_encoded(std::uint8_t type, const encoder& encode,
                                              std::chrono::microseconds work) {
    // A new number may run at most `window` ahead of the oldest request still unanswered, or the
    // board would refuse it as out of its window.
    while (has_unanswered_before(next_sequence_ - window_ + 1)) {
        pump_once(clock::now() + options_.first_timeout);
    }
    const auto started = clock::now();
    const std::uint32_t sequence = next_sequence_++;
    pending p;
    p.type = type;
    p.frame.resize(max_frame_);
    const std::size_t size = encode(p.frame.data(), p.frame.size(), sequence);
    SF_ASSERT(size > 0); // every request the host builds fits a frame
    p.frame.resize(size);
    timing_.encode += seconds(clock::now() - started).count();
    transmit(p.frame);
    ++counters_.requests;
    p.tries = 1;
    p.timeout = options_.first_timeout + work;
    p.first_sent = clock::now();
    p.deadline = p.first_sent + p.timeout;
    pending_[sequence - first_sequence_] = std::move(p);
    return sequence;
}

void request_channel::send_encoded(
    std::uint8_t type, const std::function<std::size_t(std::uint8_t*, std::size_t)>& encode) {
    const auto started = clock::now();
    std::vector<std::uint8_t> frame(max_frame_);
    const std::size_t size = encode(frame.data(), frame.size());
    SF_ASSERT(size > 0);
    frame.resize(size);
    timing_.encode += seconds(clock::now() - started).count();
    transmit(frame);
    if (type == static_cast<std::uint8_t>(protocol::message_type::load_chunk)) {
        ++counters_.bulk_frames_sent;
    }
}

void request_channel::transmit(const std::vector<std::uint8_t>& frame) {
    const auto started = clock::now();
    const std::error_code error = link_.send(frame.data(), frame.size());
    timing_.send += seconds(clock::now() - started).count();
    if (error) {
        throw transport_error("the link failed to send a " + std::string(message_name(frame[5])) +
                              " frame: " + error.message());
    }
    ++counters_.frames_sent;
}

bool request_channel::has_unanswered_before(std::uint32_t limit) const {
    for (const auto& [key, p] : pending_) {
        if (!p.answered) {
            return protocol::before(key + first_sequence_, limit);
        }
    }
    return false;
}

reply request_channel::await(std::uint32_t sequence) {
    const auto at = pending_.find(sequence - first_sequence_);
    SF_ASSERT(at != pending_.end()); // awaiting a request never submitted, or twice
    while (!at->second.answered) {
        pump_once(at->second.deadline);
    }
    pending p = std::move(at->second);
    pending_.erase(at);
    if (p.answer.head.type == protocol::message_type::error) {
        refused(p, sequence, p.answer);
    }
    if (p.answer.head.type == protocol::message_type::ack) {
        p.answer.decode(last_ack_);
    }
    return std::move(p.answer);
}

void request_channel::refused(const pending& p, std::uint32_t sequence, const reply& r) const {
    protocol::error_reply e;
    r.decode(e);
    std::string what = "the board refused " + std::string(message_name(p.type)) + " (sequence " +
                       std::to_string(sequence) + "): " + reason_name(e.why);
    if (e.why == protocol::reason::incomplete) {
        what += ", " + std::to_string(e.detail) + " chunks missing";
    } else if (e.why == protocol::reason::bad_version) {
        what = version_mismatch(static_cast<int>(e.detail));
    }
    throw board_refused(what, e.why, p.type, e.detail);
}

void request_channel::pump_for(std::chrono::microseconds duration) {
    const auto until = clock::now() + duration;
    while (clock::now() < until) {
        pump_once(until);
    }
}

void request_channel::pump_once(clock::time_point until) {
    for (const auto& [key, p] : pending_) {
        if (!p.answered && p.deadline < until) {
            until = p.deadline;
        }
    }
    const auto now = clock::now();
    const auto wait = std::chrono::duration_cast<std::chrono::microseconds>(until - now);
    const auto started = clock::now();
    const expected<std::size_t> got =
        link_.receive(receive_buffer_.data(), receive_buffer_.size(),
                      wait.count() > 0 ? wait : std::chrono::microseconds(0));
    timing_.wait += seconds(clock::now() - started).count();
    if (got) {
        ++counters_.frames_received;
        const auto decode_started = clock::now();
        take_frame(receive_buffer_.data(), got.value());
        timing_.decode += seconds(clock::now() - decode_started).count();
    } else if (got.error() != std::errc::timed_out) {
        throw transport_error("the link failed while waiting for the board: " +
                              got.error().message());
    }
    resend_overdue(clock::now());
}

void request_channel::resend_overdue(clock::time_point now) {
    for (auto& [key, p] : pending_) {
        if (p.answered || p.deadline > now) {
            continue;
        }
        ++counters_.timeouts;
        if (p.tries >= options_.tries) {
            const double waited = seconds(now - p.first_sent).count();
            throw transport_error("no reply to " + std::string(message_name(p.type)) +
                                  " (sequence " + std::to_string(key + first_sequence_) +
                                  ") after " + std::to_string(p.tries) + " tries over " +
                                  std::to_string(waited) + " s: the board or its link is gone");
        }
        transmit(p.frame);
        ++counters_.retransmissions;
        ++p.tries;
        p.timeout *= 2;
        p.deadline = now + p.timeout;
    }
}

void request_channel::take_frame(const std::uint8_t* bytes, std::size_t size) {
    protocol::frame f;
    const protocol::decode_status status = protocol::decode_frame(bytes, size, f);
    if (status != protocol::decode_status::ok) {
        refuse_frame(status, bytes, size);
        return;
    }
    if (f.head.session != session_ || session_ == 0) {
        ++counters_.foreign_session;
        return;
    }
    switch (protocol::class_of(f.head.type)) {
    case protocol::message_class::reply: take_reply(f); return;
    case protocol::message_class::stream_out: take_output(f); return;
    default: ++counters_.unexpected_frames; return;
    }
}

void request_channel::refuse_frame(protocol::decode_status status, const std::uint8_t* bytes,
                                   std::size_t size) {
    // The version is checked before the CRC: a frame whose version byte was damaged in transit
    // must not pass for a board of another version, so only an intact frame names one.
    if (status == protocol::decode_status::bad_version && !intact(bytes, size)) {
        status = protocol::decode_status::bad_crc;
    }
    ++counters_.refused_frames;
    ++counters_.refused_by_status[static_cast<std::size_t>(status)];
    if (status == protocol::decode_status::bad_version && !open_) {
        throw session_error(version_mismatch(bytes[4]));
    }
}

bool request_channel::intact(const std::uint8_t* bytes, std::size_t size) {
    const protocol::header h = protocol::peek_header(bytes);
    return protocol::header_bytes + std::size_t{h.payload_length} == size &&
           protocol::load_u32(bytes + protocol::crc_offset) ==
               protocol::detail::frame_crc(bytes, h.payload_length);
}

bool request_channel::reply_well_formed(const reply& r) {
    switch (r.head.type) {
    case protocol::message_type::ack: {
        protocol::ack_reply m;
        return r.decode(m);
    }
    case protocol::message_type::error: {
        protocol::error_reply m;
        return r.decode(m);
    }
    case protocol::message_type::hello_reply: {
        protocol::hello_reply m;
        return r.decode(m);
    }
    case protocol::message_type::load_missing: {
        protocol::load_missing_reply m;
        return r.decode(m);
    }
    case protocol::message_type::recording_data: {
        protocol::recording_data_reply m;
        return r.decode(m);
    }
    default: {
        protocol::counters_reply m;
        return r.decode(m);
    }
    }
}

void request_channel::take_reply(const protocol::frame& f) {
    const auto at = pending_.find(f.head.sequence - first_sequence_);
    if (at == pending_.end() || at->second.answered) {
        const bool earlier = protocol::before(f.head.sequence, next_sequence_) &&
                             !protocol::before(f.head.sequence, first_sequence_);
        ++(earlier ? counters_.duplicate_replies : counters_.unmatched_replies);
        return;
    }
    reply r;
    r.head = f.head;
    r.payload.assign(f.payload, f.payload + f.head.payload_length);
    if (!reply_well_formed(r)) {
        ++counters_.bad_payload;
        return;
    }
    // The board refusing our own version means the request's version byte was damaged on the
    // way (the board checks the version before the CRC): the request is resent, as if lost.
    protocol::error_reply e;
    if (r.decode(e) && e.why == protocol::reason::bad_version && e.detail == protocol::version) {
        ++counters_.damaged_requests;
        return;
    }
    // Every ack and hello_reply carries the board's latest spikes_in credit.
    protocol::ack_reply ack;
    if (r.decode(ack)) {
        input_.grant(ack.inject_limit);
    }
    at->second.answered = true;
    at->second.answer = std::move(r);
}

void request_channel::take_output(const protocol::frame& f) {
    protocol::spikes_out m;
    if (!protocol::decode_message(f, m)) {
        ++counters_.bad_payload;
        return;
    }
    const protocol::stream_verdict v = output_.classify(f.head.sequence, m.count);
    if (v.what == protocol::stream_verdict::kind::stale) {
        ++counters_.output_duplicates;
        return;
    }
    if (v.what == protocol::stream_verdict::kind::overrun) {
        ++counters_.output_overruns;
        return;
    }
    output_.accept(f.head.sequence, m.count);
    counters_.output_lost += v.lost;
    ++counters_.output_frames;
    counters_.output_keys += m.count;
    for (std::size_t k = 0; k < m.count; ++k) {
        key_buffer_[k] = m.key(k);
    }
    if (sink_) {
        sink_(m.step, key_buffer_.data(), m.count);
    }
}

std::uint32_t request_channel::credit_due() {
    const std::uint32_t left = protocol::distance(output_.expected(), output_.limit());
    if (protocol::before(output_.expected(), output_.limit()) &&
        left >= options_.output_buffer_keys / 2) {
        return 0;
    }
    return output_.grant(options_.output_buffer_keys);
}

bool request_channel::send_spikes(std::uint32_t step, const std::uint32_t* keys,
                                  std::size_t count) {
    if (count > input_.room()) {
        return false;
    }
    const std::size_t per_frame = protocol::max_keys(max_frame_);
    std::size_t at = 0;
    do {
        const std::size_t n = count - at < per_frame ? count - at : per_frame;
        protocol::spikes_in m;
        m.step = step;
        m.key_words = keys + at;
        m.count = static_cast<std::uint16_t>(n);
        const std::uint32_t first = input_.send(static_cast<std::uint32_t>(n));
        send_unanswered(first, m);
        ++counters_.input_frames;
        counters_.input_keys += n;
        at += n;
    } while (at < count);
    return true;
}

} // namespace sf::host
