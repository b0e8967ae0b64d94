// Maps a generated benchmark network onto a board and writes its image, timing every phase;
// optionally runs the image on the functional emulator. Prints one line
// `RESULT {json}` for bench/run_bench.py.
//
//   sf_bench_map random|distance|microcircuit [--neurons N] [--in-degree K] [--sigma S]
//                [--scale S] [--board NAME] [--seed S] [-o FILE] [--run-ms MS] [--threads N]
//                [--keep]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

#include <sf/emulator/functional.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/image_file.hpp>
#include <sf/mapper/map_network.hpp>

#include "networks.hpp"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

double since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

struct options {
    sf::bench::network_spec spec;
    std::string board = "spinn5";
    std::string output;
    double run_ms = 0.0;
    std::size_t threads = 1; // that step the cores of the run
    bool keep = false;
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(
        stderr,
        "sf_bench_map: %s\nusage: sf_bench_map random|distance|microcircuit [--neurons N] "
        "[--in-degree K] "
        "[--sigma S] [--scale S] [--board NAME] [--seed S] [-o FILE] [--run-ms MS] [--threads N] "
        "[--keep]\n",
        problem.c_str());
    std::exit(2);
}

options parse(int argc, char** argv) {
    options o;
    if (argc < 2) {
        usage("which network?");
    }
    o.spec.kind = argv[1];
    for (int k = 2; k < argc; ++k) {
        const std::string a = argv[k];
        auto value = [&]() -> std::string {
            if (k + 1 >= argc) {
                usage(a + " needs a value");
            }
            return argv[++k];
        };
        if (a == "--neurons") {
            o.spec.neurons = std::stoll(value());
        } else if (a == "--in-degree") {
            o.spec.in_degree = std::stoi(value());
        } else if (a == "--sigma") {
            o.spec.sigma = std::stod(value());
        } else if (a == "--scale") {
            o.spec.scale = std::stod(value());
        } else if (a == "--seed") {
            o.spec.seed = std::stoull(value());
        } else if (a == "--board") {
            o.board = value();
        } else if (a == "-o") {
            o.output = value();
        } else if (a == "--run-ms") {
            o.run_ms = std::stod(value());
        } else if (a == "--threads") {
            o.threads = std::stoul(value());
            if (o.threads < 1) {
                usage("--threads takes 1 or more");
            }
        } else if (a == "--keep") {
            o.keep = true;
        } else {
            usage("unknown argument " + a);
        }
    }
    if (o.output.empty()) {
        o.output =
            (fs::temp_directory_path() / ("sf_bench_map_" + std::to_string(::getpid()) + ".sfimg"))
                .string();
    }
    return o;
}

} // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    try {
        auto started = clock_type::now();
        sf::bench::built_network built = sf::bench::build_network(o.spec);
        const double build_s = since(started);
        const std::uint64_t synapses = built.net.connections.size();
        const std::uint64_t connection_bytes = built.net.connections.bytes();
        std::uint64_t neurons = 0;
        for (const auto& g : built.net.groups) {
            neurons += g.members.size();
        }
        std::fprintf(stderr, "built %s: %llu synapses in %.1f s\n", built.description.c_str(),
                     static_cast<unsigned long long>(synapses), build_s);

        const sf::mapper::board machine = sf::mapper::find_board(o.board);
        started = clock_type::now();
        sf::mapper::mapped_network mapped = sf::mapper::map_network(built.net, machine);
        const double map_s = since(started);
        built.net.connections.clear(); // the image needs only what the mapping holds

        started = clock_type::now();
        std::vector<std::uint32_t> words = sf::mapper::encode_image(mapped);
        const double encode_s = since(started);
        started = clock_type::now();
        sf::mapper::save_image(o.output, words);
        const double save_s = since(started);
        const std::uint64_t image_bytes = fs::file_size(o.output);

        std::size_t table_before = 0;
        std::size_t table_after = 0;
        for (const auto& r : mapped.report.routes) {
            table_before = std::max(table_before, r.before);
            table_after = std::max(table_after, r.after);
        }
        const auto& r = mapped.report;
        std::ostringstream json;
        json.precision(6);
        json << "{\"kind\":\"" << o.spec.kind << "\",\"description\":\"" << built.description
             << "\",\"board\":\"" << o.board << "\",\"neurons\":" << neurons
             << ",\"synapses\":" << synapses << ",\"connection_bytes\":" << connection_bytes
             << ",\"build_s\":" << build_s << ",\"quantise_s\":" << r.quantise_seconds
             << ",\"partition_s\":" << r.partition_seconds
             << ",\"placement_s\":" << r.placement_seconds << ",\"routing_s\":" << r.routing_seconds
             << ",\"matrix_s\":" << r.matrix_seconds << ",\"map_s\":" << map_s
             << ",\"encode_s\":" << encode_s << ",\"save_s\":" << save_s
             << ",\"cores\":" << r.cores_used << ",\"cores_available\":" << r.cores_available
             << ",\"chips\":" << r.chips_used << ",\"largest_table_before\":" << table_before
             << ",\"largest_table_after\":" << table_after
             << ",\"placement_cost\":" << r.placement_cost
             << ",\"constructive_cost\":" << r.constructive_cost
             << ",\"image_bytes\":" << image_bytes
             << ",\"peak_rss_kib_after_map\":" << peak_rss_kib();

        if (o.run_ms > 0.0) {
            mapped = {};
            sf::emulator::functional_emulator e(words.data(), words.size(),
                                                sf::emulator::lockstep_board_maker(o.threads));
            if (!e.ready()) {
                throw std::runtime_error("the functional emulator refused the image: " +
                                         e.problem());
            }
            const auto steps = static_cast<std::uint64_t>(o.run_ms * 1e-3 / built.net.dt + 0.5);
            started = clock_type::now();
            e.run(std::min<std::uint64_t>(steps, e.steps()));
            const double run_s = since(started);
            const auto c = e.counters();
            json << ",\"run_bio_s\":"
                 << static_cast<double>(std::min<std::uint64_t>(steps, e.steps())) * built.net.dt
                 << ",\"run_s\":" << run_s << ",\"threads\":" << o.threads
                 << ",\"spikes\":" << c.cores.spikes
                 << ",\"synaptic_events\":" << c.cores.delivered_words
                 << ",\"packets\":" << c.routers.packets
                 << ",\"saturations\":" << c.cores.saturations
                 << ",\"dropped_words\":" << c.cores.dropped_words;
        }
        json << ",\"peak_rss_kib\":" << peak_rss_kib() << "}";
        if (!o.keep) {
            fs::remove(o.output);
        }
        std::printf("RESULT %s\n", json.str().c_str());
        return 0;
    } catch (const sf::mapper::compile_error& e) {
        std::fprintf(stderr, "sf_bench_map: does not map: %s\n", e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sf_bench_map: %s\n", e.what());
    }
    std::error_code ignored;
    fs::remove(o.output, ignored);
    return 1;
}
