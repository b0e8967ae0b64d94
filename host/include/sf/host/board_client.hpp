#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sf/firmware/protocol/counters.hpp>
#include <sf/firmware/protocol/messages.hpp>
#include <sf/host/frame_link.hpp>
#include <sf/host/request_channel.hpp>

// A board driven from a program (docs/host.md): connect by URL, load an image, choose the
// spikes that come out, run in lockstep with live input and output or in real time, read the
// recordings and counters back, and close. Every call blocks until the board has answered;
// failures throw (host_errors.hpp).
namespace sf::host {

struct connect_options {
    bool take_over = false; // replace a session another host left open
    channel_options channel;
};

struct load_report {
    std::uint64_t bytes = 0;
    std::uint32_t chunks = 0;
    std::uint32_t chunk_bytes = 0;
    std::uint64_t chunks_resent = 0;
    int query_rounds = 0; // load_query rounds until nothing was missing
    double seconds = 0.0;
};

// Live input and output by routing key, one call per step. `input(step)` returns the keys to
// inject at that step (board step numbers: the first step computed after a load is 1);
// `output(step, keys)` receives the keys the board sent for that step.
struct key_io {
    std::function<std::vector<std::uint32_t>(std::uint32_t step)> input;
    std::function<void(std::uint32_t step, const std::vector<std::uint32_t>& keys)> output;
};

struct run_report {
    std::uint32_t steps = 0;
    std::uint32_t last_step = 0; // the board's step counter after the run
    double seconds = 0.0;
    std::vector<double> step_round_trips; // seconds per lockstep step, in order
    std::uint64_t output_keys = 0;        // delivered to the output callback
    std::uint64_t late_output_keys = 0;   // arrived after their step was delivered (counted)
};

// The median and 99th percentile of a run's step round trips (0 when there are none).
double median_seconds(const std::vector<double>& samples);
double p99_seconds(const std::vector<double>& samples);

class board_client {
public:
    // Opens the link a URL names (link_registry.hpp) and the session.
    static std::unique_ptr<board_client> connect(const std::string& url,
                                                 const connect_options& options = {});
    // Opens a session over a link the caller opened.
    explicit board_client(std::unique_ptr<frame_link> link, const connect_options& options = {});
    // Says bye when the session is still open (errors ignored: the board may be gone).
    ~board_client();
    board_client(const board_client&) = delete;
    board_client& operator=(const board_client&) = delete;

    const protocol::hello_reply& board() const { return channel_.board(); }

    // Loads an image (little-endian words or bytes) as one bulk transfer and commits it.
    load_report load(const std::vector<std::uint32_t>& image_words);
    load_report load_bytes(const std::vector<std::uint8_t>& image);

    // The spikes that go out on the output stream from now on (at most 64 filters).
    void watch(const std::vector<protocol::key_filter>& filters);

    // Computes `steps` steps in lockstep. With `io`, each step's input is sent (an empty frame
    // when there is none) before the step, and its output delivered when the step's ack comes;
    // without, steps go in batches of at most `batch` steps per request, and of about as many as
    // the board computes in a tenth of a second (one until its speed is known).
    run_report run(std::uint32_t steps, const key_io* io = nullptr, std::uint32_t batch = 1000);
    // Runs freely in real time for steps × dt, delivering output as it arrives; returns once the
    // board reports it stopped.
    run_report run_realtime(
        std::uint32_t steps, double dt_seconds,
        const std::function<void(std::uint32_t step, const std::vector<std::uint32_t>& keys)>&
            output = nullptr);

    // The board's recording, every byte (recording_blob.hpp decodes it).
    std::vector<std::uint8_t> read_recording();
    protocol::board_counters read_counters();
    // Stops, discards the image and its recordings.
    void reset();
    // Says bye and ends the session.
    void close();

    channel_counters link_counters() const { return channel_.counters(); }
    const phase_timing& timing() const { return channel_.timing(); }
    std::chrono::microseconds give_up_after() const { return channel_.give_up_after(); }

private:
    // Keeps a spikes_out frame's keys until its step's ack (counts them late when it came).
    void hold_output(std::uint32_t step, const std::uint32_t* keys, std::size_t count);
    void send_step_input(std::uint32_t step, const std::vector<std::uint32_t>& keys);
    void grant_output_credit();
    std::uint32_t batch_size(std::uint32_t remaining, std::uint32_t limit) const;
    std::chrono::microseconds expected_work(std::uint32_t steps) const;
    void learn_step_time(std::uint32_t steps, std::chrono::steady_clock::duration took);
    std::vector<std::uint32_t> missing_chunks(std::uint32_t chunk_count);
    void send_chunk(const std::vector<std::uint8_t>& image, std::uint32_t transfer,
                    std::uint32_t index, std::uint32_t chunk_bytes);

    std::unique_ptr<frame_link> link_;
    request_channel channel_;
    // spikes_out keys by step, held until the step's ack arrives.
    std::map<std::uint32_t, std::vector<std::uint32_t>> output_by_step_;
    std::uint32_t delivered_through_ = 0; // output of steps up to here has been delivered
    std::uint64_t late_output_keys_ = 0;
    bool closed_ = false;
    double seconds_per_step_ = -1.0; // the board's, as the host measures it; negative: unknown
};

} // namespace sf::host
