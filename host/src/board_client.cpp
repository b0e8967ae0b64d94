#include <algorithm>
#include <cmath>
#include <deque>
#include <string>

#include <sf/firmware/protocol/crc.hpp>
#include <sf/host/board_client.hpp>
#include <sf/host/link_registry.hpp>

namespace sf::host {

namespace {

using clock = std::chrono::steady_clock;
using seconds = std::chrono::duration<double>;

// Rounds of load_query and resends before a load gives up: each round resends only what is
// still missing, so a link that loses a tenth of its frames needs a handful.
constexpr int max_load_rounds = 32;
// Credit requests a step's input waits for before its keys are found not to fit the board.
constexpr int credit_attempts = 8;

double percentile(std::vector<double> samples, double fraction) {
    if (samples.empty()) {
        return 0.0;
    }
    std::sort(samples.begin(), samples.end());
    const auto index =
        static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(samples.size())) - 1.0);
    return samples[std::min(index, samples.size() - 1)];
}

} // namespace

double median_seconds(const std::vector<double>& samples) { return percentile(samples, 0.5); }
double p99_seconds(const std::vector<double>& samples) { return percentile(samples, 0.99); }

std::unique_ptr<board_client> board_client::connect(const std::string& url,
                                                    const connect_options& options) {
    return std::make_unique<board_client>(open_link(url), options);
}

board_client::board_client(std::unique_ptr<frame_link> link, const connect_options& options)
    : link_(std::move(link)), channel_(*link_, options.channel) {
    channel_.open(options.take_over);
    channel_.set_stream_sink([this](std::uint32_t step, const std::uint32_t* keys,
                                    std::size_t count) { hold_output(step, keys, count); });
    delivered_through_ = channel_.board().step;
}

void board_client::hold_output(std::uint32_t step, const std::uint32_t* keys, std::size_t count) {
    if (!protocol::after(step, delivered_through_)) {
        late_output_keys_ += count;
        return;
    }
    auto& held = output_by_step_[step];
    held.insert(held.end(), keys, keys + count);
}

board_client::~board_client() {
    if (closed_) {
        return;
    }
    try {
        channel_.set_tries(2); // a board that is gone should not hold the program up for long
        close();
    } catch (const std::exception&) {
        // The session ends either way; the board drops it on the next hello with take-over.
    }
}

load_report board_client::load(const std::vector<std::uint32_t>& image_words) {
    std::vector<std::uint8_t> bytes(image_words.size() * 4);
    for (std::size_t w = 0; w < image_words.size(); ++w) {
        for (std::size_t b = 0; b < 4; ++b) {
            bytes[4 * w + b] = static_cast<std::uint8_t>(image_words[w] >> (8 * b));
        }
    }
    return load_bytes(bytes);
}

void board_client::send_chunk(const std::vector<std::uint8_t>& image, std::uint32_t transfer,
                              std::uint32_t index, std::uint32_t chunk_bytes) {
    const std::size_t offset = std::size_t{index} * chunk_bytes;
    const std::size_t length = std::min<std::size_t>(chunk_bytes, image.size() - offset);
    protocol::load_chunk m;
    m.transfer = transfer;
    m.offset = static_cast<std::uint32_t>(offset);
    m.data = image.data() + offset;
    m.length = static_cast<std::uint16_t>(length);
    m.chunk_crc = protocol::crc32(m.data, length);
    channel_.send_unanswered(index, m);
}

load_report board_client::load_bytes(const std::vector<std::uint8_t>& image) {
    const auto started = clock::now();
    load_report report;
    report.bytes = image.size();
    report.chunk_bytes = static_cast<std::uint32_t>(channel_.max_frame() - protocol::header_bytes -
                                                    protocol::load_chunk::fixed_bytes);
    const std::uint64_t chunks = (image.size() + report.chunk_bytes - 1) / report.chunk_bytes;
    const protocol::hello_reply& b = channel_.board();
    if (image.empty() || image.size() > b.max_image_bytes || chunks > b.max_chunks) {
        throw usage_error("an image of " + std::to_string(image.size()) + " bytes in " +
                          std::to_string(chunks) + " chunks does not fit the board (at most " +
                          std::to_string(b.max_image_bytes) + " bytes in " +
                          std::to_string(b.max_chunks) + " chunks)");
    }
    report.chunks = static_cast<std::uint32_t>(chunks);
    protocol::load_begin_request begin;
    begin.total_bytes = static_cast<std::uint32_t>(image.size());
    begin.chunk_bytes = static_cast<std::uint16_t>(report.chunk_bytes);
    begin.chunk_count = report.chunks;
    const std::uint32_t transfer = channel_.submit(begin);
    channel_.await(transfer);
    for (std::uint32_t i = 0; i < report.chunks; ++i) {
        send_chunk(image, transfer, i, report.chunk_bytes);
    }
    for (;;) {
        const std::vector<std::uint32_t> missing = missing_chunks(report.chunks);
        ++report.query_rounds;
        if (missing.empty()) {
            break;
        }
        if (report.query_rounds >= max_load_rounds) {
            throw transport_error("image load: " + std::to_string(missing.size()) +
                                  " chunks still missing after " +
                                  std::to_string(report.query_rounds) + " rounds of resending");
        }
        for (const std::uint32_t i : missing) {
            send_chunk(image, transfer, i, report.chunk_bytes);
        }
        report.chunks_resent += missing.size();
    }
    channel_.call(protocol::load_commit_request{});
    delivered_through_ = 0;
    output_by_step_.clear();
    report.seconds = seconds(clock::now() - started).count();
    return report;
}

std::vector<std::uint32_t> board_client::missing_chunks(std::uint32_t chunk_count) {
    std::vector<std::uint32_t> missing;
    std::uint32_t first = 0;
    while (first < chunk_count) {
        protocol::load_query_request q;
        q.first_chunk = first;
        const reply r = channel_.call(q);
        protocol::load_missing_reply m;
        if (!r.decode(m) || m.first_chunk != first || m.covered == 0 ||
            m.covered > chunk_count - first) {
            throw transport_error("the board answered load_query from chunk " +
                                  std::to_string(first) + " with no usable load_missing");
        }
        for (std::uint32_t k = 0; k < m.covered; ++k) {
            if (m.is_missing(k)) {
                missing.push_back(first + k);
            }
        }
        if (m.missing == 0) {
            break;
        }
        first += m.covered;
    }
    return missing;
}

void board_client::watch(const std::vector<protocol::key_filter>& filters) {
    if (filters.size() > protocol::watch_request::max_filters) {
        throw usage_error("a board watches at most " +
                          std::to_string(protocol::watch_request::max_filters) + " key filters; " +
                          std::to_string(filters.size()) + " were given");
    }
    protocol::watch_request w;
    w.count = static_cast<std::uint32_t>(filters.size());
    std::copy(filters.begin(), filters.end(), w.filters);
    channel_.call(w);
}

void board_client::grant_output_credit() {
    const std::uint32_t limit = channel_.credit_due();
    if (limit != 0) {
        protocol::credit_request c;
        c.spikes_out_limit = limit;
        channel_.call(c);
    }
}

void board_client::send_step_input(std::uint32_t step, const std::vector<std::uint32_t>& keys) {
    for (int attempt = 0; attempt < credit_attempts; ++attempt) {
        if (channel_.send_spikes(step, keys.data(), keys.size())) {
            return;
        }
        // Out of credit: any request brings the board's latest limit.
        protocol::credit_request c;
        c.spikes_out_limit = channel_.output_limit();
        channel_.call(c);
    }
    throw usage_error("step " + std::to_string(step) + ": " + std::to_string(keys.size()) +
                      " input keys do not fit the board's input queue (room for " +
                      std::to_string(channel_.input_room()) + ")");
}

namespace {
// How long one step request of a batch run should keep the board busy: long enough that the
// round trip costs little, short enough that a slow board answers before the host's first resend
// would be due without the allowance, and that a run stops soon when asked.
constexpr double target_request_seconds = 0.1;
} // namespace

std::uint32_t board_client::batch_size(std::uint32_t remaining, std::uint32_t limit) const {
    const std::uint32_t most = std::min(remaining, std::max(limit, 1u));
    if (seconds_per_step_ < 0.0) {
        return 1; // a first step tells how fast the board computes
    }
    const double fit = target_request_seconds / std::max(seconds_per_step_, 1e-9);
    return static_cast<std::uint32_t>(std::clamp(fit, 1.0, static_cast<double>(most)));
}

// Twice the time the steps should take: the reply is not expected sooner.
std::chrono::microseconds board_client::expected_work(std::uint32_t steps) const {
    if (seconds_per_step_ < 0.0) {
        return {};
    }
    return std::chrono::microseconds(
        static_cast<std::int64_t>(2e6 * seconds_per_step_ * static_cast<double>(steps)));
}

void board_client::learn_step_time(std::uint32_t steps, clock::duration took) {
    const double per_step = seconds(took).count() / static_cast<double>(steps);
    seconds_per_step_ = seconds_per_step_ < 0.0 ? per_step : 0.5 * (seconds_per_step_ + per_step);
}

run_report board_client::run(std::uint32_t steps, const key_io* io, std::uint32_t batch) {
    const auto started = clock::now();
    run_report report;
    const std::uint64_t late_before = late_output_keys_;
    const bool live = io != nullptr && (io->input || io->output);
    std::uint32_t done = 0;
    while (done < steps) {
        const auto step_started = clock::now();
        const std::uint32_t step = channel_.last_ack().step + 1;
        std::uint32_t count = 1;
        if (live) {
            output_by_step_[step]; // a step without spikes is delivered too, empty
            send_step_input(step, io->input ? io->input(step) : std::vector<std::uint32_t>{});
        } else {
            count = batch_size(steps - done, batch);
        }
        protocol::step_request s;
        s.steps = count;
        const auto requested = clock::now();
        const std::uint64_t resent = channel_.retransmissions();
        channel_.call(s, expected_work(count));
        if (channel_.retransmissions() == resent) {
            // Only a request answered at its first sending times the board (the wait for a
            // resend would teach it to wait ever longer).
            learn_step_time(count, clock::now() - requested);
        }
        const std::uint32_t reached = channel_.last_ack().step;
        // The board sends a step's output before the step's ack: all of it is here now.
        for (auto at = output_by_step_.begin(); at != output_by_step_.end();) {
            if (!protocol::at_or_before(at->first, reached)) {
                ++at;
                continue;
            }
            report.output_keys += at->second.size();
            if (live && io->output) {
                io->output(at->first, at->second);
            }
            at = output_by_step_.erase(at);
        }
        delivered_through_ = reached;
        done += count;
        if (live) {
            report.step_round_trips.push_back(seconds(clock::now() - step_started).count());
        }
        grant_output_credit();
    }
    report.steps = done;
    report.last_step = channel_.last_ack().step;
    report.late_output_keys = late_output_keys_ - late_before;
    report.seconds = seconds(clock::now() - started).count();
    return report;
}

} // namespace sf::host
