// The host–board benchmark (bench/README.md, (g)): against a board server on loopback UDP
// (`spikeforge serve`), measures image load throughput, sustained live input and the closed-loop
// round trip per step, each directly and through a relay that drops 1 % of the datagrams, and
// prints them in a table beside the goals and the anchors. Prints one line `RESULT {json}` for
// bench/run_bench.py.
//
//   sf_bench_host --url udp://127.0.0.1:PORT --load-image FILE --input-image FILE
//                 --input-population NAME --loop-image FILE [--input-steps N]
//                 [--keys-per-step K,K,...] [--loop-steps N] [--drop RATE] [--seed S]
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include <sf/mapper/image_file.hpp>

#include "bench_report.hpp"
#include "fault_proxy.hpp"
#include "host_measures.hpp"

namespace {

using namespace sf::bench;

struct options {
    std::string url;
    std::string load_image;
    std::string input_image;
    std::string input_population = "drive";
    std::string loop_image;
    std::uint32_t input_steps = 2000;
    std::vector<std::uint32_t> keys_per_step{40, 362, 1448, 4096};
    std::uint32_t loop_steps = 5000;
    double drop = 0.01;
    std::uint32_t seed = 1234;
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "sf_bench_host: %s\nusage: sf_bench_host --url udp://127.0.0.1:PORT --load-image "
                 "FILE --input-image FILE --input-population NAME --loop-image FILE "
                 "[--input-steps N] [--keys-per-step K,K,...] [--loop-steps N] [--drop RATE] "
                 "[--seed S]\n",
                 problem.c_str());
    std::exit(2);
}

std::vector<std::uint32_t> parse_list(const std::string& text) {
    std::vector<std::uint32_t> values;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        values.push_back(static_cast<std::uint32_t>(std::stoul(item)));
    }
    return values;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc) {
            usage("'" + a + "' needs a value");
        }
        const std::string v = argv[++i];
        if (a == "--url") {
            o.url = v;
        } else if (a == "--load-image") {
            o.load_image = v;
        } else if (a == "--input-image") {
            o.input_image = v;
        } else if (a == "--input-population") {
            o.input_population = v;
        } else if (a == "--loop-image") {
            o.loop_image = v;
        } else if (a == "--input-steps") {
            o.input_steps = static_cast<std::uint32_t>(std::stoul(v));
        } else if (a == "--keys-per-step") {
            o.keys_per_step = parse_list(v);
        } else if (a == "--loop-steps") {
            o.loop_steps = static_cast<std::uint32_t>(std::stoul(v));
        } else if (a == "--drop") {
            o.drop = std::stod(v);
        } else if (a == "--seed") {
            o.seed = static_cast<std::uint32_t>(std::stoul(v));
        } else {
            usage("unknown argument '" + a + "'");
        }
    }
    if (o.url.empty() || o.load_image.empty() || o.input_image.empty() || o.loop_image.empty()) {
        usage("--url, --load-image, --input-image and --loop-image are needed");
    }
    return o;
}

std::uint16_t port_of(const std::string& url) {
    const std::size_t colon = url.rfind(':');
    if (url.rfind("udp://", 0) != 0 || colon == std::string::npos) {
        usage("the server URL must be udp://HOST:PORT, not '" + url + "'");
    }
    return static_cast<std::uint16_t>(std::stoul(url.substr(colon + 1)));
}

// Runs `measure` against the server directly, then through a fresh relay that drops `drop` of
// the datagrams in each direction (and does nothing else).
template <class Figures, class Measure>
path_pair<Figures> both_paths(const options& o, Measure&& measure) {
    path_pair<Figures> pair;
    pair.direct = measure(o.url);
    sf::test::fault_rates rates;
    rates.drop = o.drop;
    sf::test::fault_proxy proxy(port_of(o.url), rates, o.seed);
    pair.lossy = measure("udp://127.0.0.1:" + std::to_string(proxy.port()));
    proxy.stop();
    pair.relay = proxy.counts();
    return pair;
}

int run(const options& o) {
    bench_results r;
    r.drop = o.drop;
    {
        const std::vector<std::uint32_t> words = sf::mapper::load_image(o.load_image);
        std::vector<std::uint8_t> bytes(words.size() * 4);
        for (std::size_t w = 0; w < words.size(); ++w) {
            for (std::size_t b = 0; b < 4; ++b) {
                bytes[4 * w + b] = static_cast<std::uint8_t>(words[w] >> (8 * b));
            }
        }
        r.load = both_paths<load_figures>(
            o, [&](const std::string& url) { return measure_load(url, bytes); });
        print_load(r.load);
    }
    const std::vector<std::uint32_t> input_image = sf::mapper::load_image(o.input_image);
    for (const std::uint32_t k : o.keys_per_step) {
        r.input.push_back(both_paths<input_figures>(o, [&](const std::string& url) {
            return measure_input(url, input_image, o.input_population, k, o.input_steps);
        }));
        print_input(r.input.back());
    }
    const std::vector<std::uint32_t> loop_image = sf::mapper::load_image(o.loop_image);
    r.loop = both_paths<loop_figures>(
        o, [&](const std::string& url) { return measure_loop(url, loop_image, o.loop_steps); });
    print_loop(r.loop);
    print_table(r);
    print_result_json(r);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sf_bench_host: %s\n", e.what());
        return 1;
    }
}
