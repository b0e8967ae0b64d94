#include <cstdint>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>

#include <sf/host/board_client.hpp>
#include <sf/host/host_errors.hpp>
#include <sf/host/image_populations.hpp>
#include <sf/host/recording_blob.hpp>
#include <sf/lems/error.hpp>
#include <sf/mapper/image_file.hpp>

#include "remote_run.hpp"

namespace sf::cli {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_bad_input = 2;

namespace protocol = firmware::protocol;

// Spikes of the live-output populations, counted per population.
struct output_tally {
    const host::image_populations& populations;
    std::map<std::string, std::uint64_t> spikes;
    std::uint64_t unknown_keys = 0;

    void take(const std::vector<std::uint32_t>& keys) {
        for (const std::uint32_t key : keys) {
            host::cell_ref where;
            if (populations.cell_of(key, where)) {
                ++spikes[populations.all()[where.population].name];
            } else {
                ++unknown_keys;
            }
        }
    }
};

std::string milliseconds(double seconds) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(3) << seconds * 1e3 << " ms";
    return text.str();
}

void print_load(const host::load_report& r) {
    const double rate = r.seconds > 0 ? static_cast<double>(r.bytes) / r.seconds / 1e6 : 0.0;
    std::cout << "loaded " << r.bytes << " bytes in " << r.chunks << " chunks of " << r.chunk_bytes
              << " bytes (" << r.chunks_resent << " resent, " << r.query_rounds
              << " query rounds) in " << r.seconds << " s: " << rate << " MB/s\n";
}

void print_run(const host::run_report& r, const host::board_client& client) {
    std::cout << "ran " << r.steps << " steps in " << r.seconds << " s";
    if (r.seconds > 0) {
        std::cout << " (" << r.steps / r.seconds << " steps/s)";
    }
    std::cout << ", board at step " << r.last_step << "\n";
    if (!r.step_round_trips.empty()) {
        std::cout << "step round trip: median "
                  << milliseconds(host::median_seconds(r.step_round_trips)) << ", p99 "
                  << milliseconds(host::p99_seconds(r.step_round_trips)) << "\n";
    }
    const host::phase_timing& t = client.timing();
    std::cout << "host time: encode " << milliseconds(t.encode) << ", send " << milliseconds(t.send)
              << ", wait for the board " << milliseconds(t.wait) << ", decode "
              << milliseconds(t.decode) << "\n";
}

// Prints the board's and the link's counters; true when anything was lost.
bool print_counters(const protocol::board_counters& c, const host::channel_counters& l,
                    std::uint64_t late_output) {
    std::uint64_t refused = 0;
    for (std::size_t r = 1; r < protocol::reason_count; ++r) {
        refused += c.refused[r];
    }
    const auto& k = c.kernel;
    std::cout << "board: " << k.steps << " steps in "
              << milliseconds(static_cast<double>(c.compute_microseconds) * 1e-6)
              << " of computing, " << k.spikes << " spikes, " << k.delivered_words
              << " synaptic events; input " << c.inject_events << " keys, output "
              << c.output_events << " keys; " << refused << " frames refused\n"
              << "link: " << l.requests << " requests, " << l.retransmissions << " resent, "
              << l.duplicate_replies << " duplicate replies, " << l.refused_frames
              << " damaged frames, " << l.link_frames_lost
              << " dropped by the link's full receive queue, " << l.output_keys << " output keys\n";
    const std::uint64_t lost = c.inject_lost + c.inject_late + c.inject_dropped + c.output_dropped +
                               k.dropped_words + k.input_overflows + l.output_lost +
                               l.output_overruns + late_output;
    if (lost > 0) {
        std::cerr << "warning: spikes were lost: input " << c.inject_lost << " never arrived, "
                  << c.inject_late << " late, " << c.inject_dropped
                  << " dropped by the board's queue; output " << c.output_dropped
                  << " dropped by the board, " << l.output_lost << " lost on the link, "
                  << l.output_overruns << " past the host's credit, " << late_output
                  << " after their step; synaptic words dropped " << k.dropped_words
                  << ", input overflows " << k.input_overflows << "\n";
    }
    if (l.link_frames_lost > 0) {
        // Lost replies were asked for again and lost spikes are counted above; this says why.
        std::cerr << "warning: the link dropped " << l.link_frames_lost
                  << " frames from the board because its receive queue was full\n";
    }
    if (k.program_faults > 0) {
        std::cerr << "error: " << k.program_faults << " program faults on the board\n";
    }
    return lost > 0;
}

host::run_report run_image(host::board_client& client, const host::image_populations& pops,
                           const remote_run_options& options, output_tally& tally) {
    const auto steps = static_cast<std::uint32_t>(pops.steps());
    const auto on_output = [&](std::uint32_t, const std::vector<std::uint32_t>& keys) {
        tally.take(keys);
    };
    if (options.realtime) {
        return client.run_realtime(steps, pops.dt(), on_output);
    }
    if (options.live_inputs.empty() && options.live_outputs.empty()) {
        return client.run(steps);
    }
    host::key_io io;
    io.input = [](std::uint32_t) { return std::vector<std::uint32_t>{}; };
    io.output = on_output;
    return client.run(steps, &io);
}

int run_on_board(const remote_run_options& options) {
    const std::vector<std::uint32_t> words =
        options.image_words.empty() ? mapper::load_image(options.image_file) : options.image_words;
    const host::image_populations pops = host::image_populations::read(words);
    for (const auto& name : options.live_inputs) {
        pops.find(name);
    }
    const std::vector<protocol::key_filter> watched = pops.filters(options.live_outputs);
    if (pops.steps() > std::numeric_limits<std::uint32_t>::max()) {
        throw host::usage_error("the image runs " + std::to_string(pops.steps()) +
                                " steps; a board counts at most 2^32 - 1");
    }
    host::connect_options connect;
    connect.take_over = options.take_over;
    auto client = host::board_client::connect(options.url, connect);
    std::cout << "board " << client->board().board_id << " at " << options.url << ": "
              << client->board().chips << " chips, " << client->board().cores
              << " cores, frames of " << client->board().max_frame << " bytes\n";
    print_load(client->load(words));
    client->watch(watched);
    output_tally tally{pops, {}, 0};
    const host::run_report run = run_image(*client, pops, options, tally);
    print_run(run, *client);
    for (const auto& name : options.live_outputs) {
        std::cout << "live output " << name << ": " << tally.spikes[name] << " spikes\n";
    }
    if (tally.unknown_keys > 0) {
        std::cerr << "warning: " << tally.unknown_keys << " output keys of no population\n";
    }
    const std::vector<std::uint8_t> blob = client->read_recording();
    const auto decoded = host::decode_recordings(blob.data(), blob.size());
    for (const auto& file : host::write_recordings(decoded, options.out_dir)) {
        std::cout << "wrote " << file.string() << "\n";
    }
    const protocol::board_counters counters = client->read_counters();
    client->close();
    print_counters(counters, client->link_counters(), run.late_output_keys);
    return counters.kernel.program_faults > 0 ? exit_failed : exit_ok;
}

} // namespace

int remote_run(const remote_run_options& options) {
    const std::string where = "spikeforge run: ";
    try {
        return run_on_board(options);
    } catch (const host::usage_error& e) {
        std::cerr << where << e.what() << "\n";
        return exit_bad_input;
    } catch (const mapper::image_file_error& e) {
        std::cerr << where << e.what() << "\n";
        return exit_bad_input;
    } catch (const host::transport_error& e) {
        std::cerr << where << options.url << ": " << e.what() << "\n";
        return exit_failed;
    } catch (const host::session_error& e) {
        std::cerr << where << options.url << ": " << e.what() << "\n";
        return exit_failed;
    } catch (const host::board_refused& e) {
        std::cerr << where << options.url << ": " << e.what() << "\n";
        return e.why() == protocol::reason::image_refused ? exit_bad_input : exit_failed;
    } catch (const lems::simulation_error& e) {
        std::cerr << where << "writing the recordings: " << e.what() << "\n";
        return exit_failed;
    }
}

} // namespace sf::cli
