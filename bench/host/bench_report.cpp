#include "bench_report.hpp"

#include <cstdio>
#include <sstream>
#include <string>

namespace sf::bench {

namespace protocol = firmware::protocol;

namespace {

const char* path_name(bool lossy) { return lossy ? "relay" : "direct"; }

void print_relay(const sf::test::fault_counts& c) {
    std::printf("   relay: %llu datagrams received, %llu dropped, %llu forwarded\n",
                static_cast<unsigned long long>(c.received),
                static_cast<unsigned long long>(c.dropped),
                static_cast<unsigned long long>(c.forwarded));
}

void print_link(const link_figures& l) {
    const host::channel_counters& c = l.host;
    std::printf("      host: %llu requests, %llu resent after %llu timeouts, %llu duplicate "
                "replies, %llu refused frames; time: encode %.3f s, send %.3f s, wait %.3f s, "
                "decode %.3f s; %llu datagrams dropped by full socket buffers\n",
                static_cast<unsigned long long>(c.requests),
                static_cast<unsigned long long>(c.retransmissions),
                static_cast<unsigned long long>(c.timeouts),
                static_cast<unsigned long long>(c.duplicate_replies),
                static_cast<unsigned long long>(c.refused_frames), l.timing.encode, l.timing.send,
                l.timing.wait, l.timing.decode,
                static_cast<unsigned long long>(l.socket_buffer_drops));
}

std::string mega(double v) {
    char text[32];
    if (v >= 1e6) {
        std::snprintf(text, sizeof text, "%.2f M", v / 1e6);
    } else {
        std::snprintf(text, sizeof text, "%.1f k", v / 1e3);
    }
    return text;
}

std::string fixed(double v, int decimals) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

std::string input_cell(const input_figures& f) {
    return mega(f.keys_per_second()) + " keys/s" +
           (f.board.inject_lost > 0 ? " (" + std::to_string(f.board.inject_lost) + " lost)" : "") +
           (f.every_key_accounted() ? "" : " UNACCOUNTED");
}

void row(const std::string& what, const std::string& ours, const std::string& lossy,
         const std::string& goal, const std::string& anchor) {
    std::printf("| %s | %s | %s | %s | %s |\n", what.c_str(), ours.c_str(), lossy.c_str(),
                goal.c_str(), anchor.c_str());
}

} // namespace

void print_load(const path_pair<load_figures>& p) {
    std::printf("== image load (%.1f MB)\n", static_cast<double>(p.direct.report.bytes) / 1e6);
    for (const bool lossy : {false, true}) {
        const load_figures& f = lossy ? p.lossy : p.direct;
        std::printf("   %-6s: %.3f s, %.1f MB/s; %u chunks of %u bytes, %llu resent, %d query "
                    "rounds\n",
                    path_name(lossy), f.report.seconds, f.megabytes_per_second(), f.report.chunks,
                    f.report.chunk_bytes, static_cast<unsigned long long>(f.report.chunks_resent),
                    f.report.query_rounds);
        print_link(f.link);
    }
    print_relay(p.relay);
    std::fflush(stdout);
}

void print_input(const path_pair<input_figures>& p) {
    std::printf("== live input, %u keys per step, %u lockstep steps\n", p.direct.keys_per_step,
                p.direct.run.steps);
    for (const bool lossy : {false, true}) {
        const input_figures& f = lossy ? p.lossy : p.direct;
        const protocol::board_counters& b = f.board;
        std::printf(
            "   %-6s: %.3f s, %s keys/s; host sent %llu keys; board: %llu frames in, %llu keys "
            "passed on, %llu lost, %llu late, %llu dropped, %llu overrun frames; %s\n",
            path_name(lossy), f.run.seconds, mega(f.keys_per_second()).c_str(),
            static_cast<unsigned long long>(f.keys_sent),
            static_cast<unsigned long long>(b.inject_frames),
            static_cast<unsigned long long>(b.inject_events),
            static_cast<unsigned long long>(b.inject_lost),
            static_cast<unsigned long long>(b.inject_late),
            static_cast<unsigned long long>(b.inject_dropped),
            static_cast<unsigned long long>(protocol::refused(b, protocol::reason::overrun)),
            f.every_key_accounted() ? "every key accounted for" : "KEYS UNACCOUNTED FOR");
        print_link(f.link);
    }
    print_relay(p.relay);
    std::fflush(stdout);
}

void print_loop(const path_pair<loop_figures>& p) {
    std::printf("== closed-loop round trip, %u lockstep steps\n", p.direct.run.steps);
    for (const bool lossy : {false, true}) {
        const loop_figures& f = lossy ? p.lossy : p.direct;
        // The session watched only during the run, so the host's stream counters are the run's.
        const std::uint64_t lost = f.link.host.output_lost;
        std::printf("   %-6s: median %.1f us, p99 %.1f us; board sent %llu output keys (%llu "
                    "dropped), host took %llu (%llu late) and counted %llu lost; %s\n",
                    path_name(lossy), f.median_us(), f.p99_us(),
                    static_cast<unsigned long long>(f.board.output_events),
                    static_cast<unsigned long long>(f.board.output_dropped),
                    static_cast<unsigned long long>(f.run.output_keys),
                    static_cast<unsigned long long>(f.run.late_output_keys),
                    static_cast<unsigned long long>(lost),
                    f.run.output_keys + f.run.late_output_keys + lost == f.board.output_events
                        ? "every key accounted for"
                        : "KEYS UNACCOUNTED FOR");
        print_link(f.link);
    }
    print_relay(p.relay);
    std::fflush(stdout);
}

void print_table(const bench_results& r) {
    const std::string relay = "through relay, " + fixed(r.drop * 100, 0) + " % drop";
    std::printf("\n| host link, loopback UDP | ours | %s | goal | anchor |\n", relay.c_str());
    std::printf("| --- | --- | --- | --- | --- |\n");
    const load_figures& ld = r.load.direct;
    const load_figures& ll = r.load.lossy;
    row("image load, " + fixed(static_cast<double>(ld.report.bytes) / 1e6, 1) + " MB",
        fixed(ld.megabytes_per_second(), 1) + " MB/s (" + std::to_string(ld.report.chunks_resent) +
            " chunks resent)",
        fixed(ll.megabytes_per_second(), 1) + " MB/s (" + std::to_string(ll.report.chunks_resent) +
            " chunks resent)",
        ">= 100 MB/s", "BrainScaleS-2 ARQ ~112 MB/s (GbE); SpiNNaker SCP 33 Mbit/s (~4 MB/s)");
    for (const path_pair<input_figures>& p : r.input) {
        row("live input, " + std::to_string(p.direct.keys_per_step) + " keys/step",
            input_cell(p.direct), input_cell(p.lossy), ">= 1 M keys/s, no silent loss",
            "SpiNNaker injector ~3.8 k events/s per sender");
    }
    row("closed-loop round trip per step, median / p99",
        fixed(r.loop.direct.median_us(), 1) + " / " + fixed(r.loop.direct.p99_us(), 1) + " us",
        fixed(r.loop.lossy.median_us(), 1) + " / " + fixed(r.loop.lossy.p99_us(), 1) + " us",
        "median <= 100 us", "");
    std::printf("\n");
    std::fflush(stdout);
}

void print_result_json(const bench_results& r) {
    std::ostringstream j;
    j << "{\"drop\":" << r.drop << ",\"load\":[";
    for (const bool lossy : {false, true}) {
        const load_figures& f = lossy ? r.load.lossy : r.load.direct;
        j << (lossy ? "," : "") << "{\"path\":\"" << path_name(lossy)
          << "\",\"bytes\":" << f.report.bytes << ",\"seconds\":" << f.report.seconds
          << ",\"mb_per_s\":" << f.megabytes_per_second() << ",\"chunks\":" << f.report.chunks
          << ",\"chunks_resent\":" << f.report.chunks_resent
          << ",\"query_rounds\":" << f.report.query_rounds
          << ",\"socket_buffer_drops\":" << f.link.socket_buffer_drops << "}";
    }
    j << "],\"input\":[";
    bool first = true;
    for (const path_pair<input_figures>& p : r.input) {
        for (const bool lossy : {false, true}) {
            const input_figures& f = lossy ? p.lossy : p.direct;
            j << (first ? "" : ",") << "{\"path\":\"" << path_name(lossy)
              << "\",\"keys_per_step\":" << f.keys_per_step << ",\"steps\":" << f.run.steps
              << ",\"seconds\":" << f.run.seconds << ",\"keys_sent\":" << f.keys_sent
              << ",\"keys_per_s\":" << f.keys_per_second()
              << ",\"inject_events\":" << f.board.inject_events
              << ",\"inject_lost\":" << f.board.inject_lost
              << ",\"inject_late\":" << f.board.inject_late
              << ",\"inject_dropped\":" << f.board.inject_dropped
              << ",\"accounted\":" << (f.every_key_accounted() ? "true" : "false") << "}";
            first = false;
        }
    }
    j << "],\"loop\":[";
    for (const bool lossy : {false, true}) {
        const loop_figures& f = lossy ? r.loop.lossy : r.loop.direct;
        j << (lossy ? "," : "") << "{\"path\":\"" << path_name(lossy)
          << "\",\"steps\":" << f.run.steps << ",\"median_us\":" << f.median_us()
          << ",\"p99_us\":" << f.p99_us() << ",\"output_keys\":" << f.run.output_keys
          << ",\"output_lost\":" << f.link.host.output_lost
          << ",\"board_output_events\":" << f.board.output_events << "}";
    }
    j << "]}";
    std::printf("RESULT %s\n", j.str().c_str());
}

} // namespace sf::bench
