// The functional emulator and the fixed-point backend on several threads (lockstep_board's
// threads): every step's spikes, every state word, every counter and every recorded value are
// those of one thread, on the bundled example, on random networks over many chips and on the
// conformance examples that map.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/functional.hpp>
#include <sf/emulator/kernel_core.hpp>
#include <sf/emulator/lockstep_board.hpp>

#include "emulator_support.hpp"
#include "fixed_backend.hpp"
#include "random_networks.hpp"

namespace {

using namespace sf::emulator::test;
using sf::emulator::always_side_by_side;
using sf::emulator::functional_emulator;
using sf::emulator::lockstep_board_maker;
namespace mapper = sf::mapper;
using counters = sf::firmware::kernel_counters;

constexpr std::size_t thread_counts[] = {2, 3, 7};

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_counters(const counters& a, const counters& b) {
    return a.steps == b.steps && a.neuron_updates == b.neuron_updates &&
           a.instructions == b.instructions && a.spikes == b.spikes &&
           a.unreported_spikes == b.unreported_spikes && a.delivered_words == b.delivered_words &&
           a.input_overflows == b.input_overflows && a.dropped_words == b.dropped_words &&
           a.saturations == b.saturations && a.program_faults == b.program_faults;
}

bool same_fault(const sf::firmware::fault_report& a, const sf::firmware::fault_report& b) {
    return a.happened == b.happened && a.step == b.step && a.neuron == b.neuron &&
           a.instruction == b.instruction && a.status == b.status;
}

// Every state word, the counters and the first fault of every core; the first difference fails.
void expect_same_cores(const functional_emulator& one, const functional_emulator& many) {
    for (std::size_t c = 0; c < one.core_count(); ++c) {
        const auto& a = dynamic_cast<const sf::emulator::kernel_core&>(one.core(c));
        const auto& b = many.core(c);
        INFO("core " << c);
        REQUIRE(same_counters(a.counters(), b.counters()));
        REQUIRE(same_fault(a.first_fault(), b.first_fault()));
        for (std::size_t n = 0; n < a.neuron_count(); ++n) {
            for (std::size_t slot = 0; slot < a.kernel().state_words(); ++slot) {
                if (a.state(n, slot) != b.state(n, slot)) {
                    FAIL("neuron " << n << " slot " << slot << ": " << a.state(n, slot)
                                   << " on one thread, " << b.state(n, slot));
                }
            }
        }
    }
}

void expect_same_spikes(const functional_emulator& one, const functional_emulator& many) {
    const auto& a = one.last_spikes();
    const auto& b = many.last_spikes();
    REQUIRE(a.size() == b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
        REQUIRE((a[k].core == b[k].core && a[k].neuron == b[k].neuron));
    }
}

// The counters of the routers and the held rows, and every recorded row and spike.
void expect_same_run(const functional_emulator& one, const functional_emulator& many) {
    const auto a = one.counters();
    const auto b = many.counters();
    CHECK(same_counters(a.cores, b.cores));
    CHECK(a.routers.packets == b.routers.packets);
    CHECK(a.routers.routed == b.routers.routed);
    CHECK(a.routers.default_routed == b.routers.default_routed);
    CHECK(a.routers.dropped == b.routers.dropped);
    CHECK(a.routers.lost == b.routers.lost);
    CHECK(a.routers.delivered == b.routers.delivered);
    CHECK(a.unmatched_keys == b.unmatched_keys);
    CHECK(a.looped == b.looped);
    CHECK(a.held_rows == b.held_rows);
    const auto held = [](const functional_emulator& e) { return e.board()->counters().held_words; };
    CHECK(held(one) == held(many));
    REQUIRE(one.traces().size() == many.traces().size());
    for (std::size_t f = 0; f < one.traces().size(); ++f) {
        const auto& x = one.traces()[f].rows;
        const auto& y = many.traces()[f].rows;
        REQUIRE(x.size() == y.size());
        CHECK(std::equal(x.begin(), x.end(), y.begin(), same_bits));
    }
    REQUIRE(one.events().size() == many.events().size());
    for (std::size_t f = 0; f < one.events().size(); ++f) {
        CHECK(one.events()[f].events == many.events()[f].events);
    }
}

// An image stepped on one thread and on `threads` side by side for at most `most_steps` steps
// (every step when 0), with a spike of some core injected now and then; compared after every step.
// Returns the image's spikes.
std::uint64_t expect_same_on(const std::vector<std::uint32_t>& words, std::size_t threads,
                             std::uint64_t most_steps = 0,
                             sf::emulator::side_by_side_limits limits = always_side_by_side) {
    functional_emulator one(words.data(), words.size(), lockstep_board_maker(1));
    functional_emulator many(words.data(), words.size(), lockstep_board_maker(threads, limits));
    INFO(one.problem());
    REQUIRE(one.ready());
    REQUIRE(many.ready());
    const auto* board = dynamic_cast<const sf::emulator::lockstep_board*>(many.board());
    REQUIRE(board != nullptr);
    CHECK(board->threads() == std::min(threads, many.core_count()));
    INFO(threads << " threads, " << many.core_count() << " cores on " << many.chip_count()
                 << " chips");
    one.run(0);
    many.run(0);
    const std::uint64_t steps = most_steps == 0 ? one.steps() : std::min(one.steps(), most_steps);
    for (std::uint64_t s = 1; s <= steps; ++s) {
        if (s % 17 == 0) {
            const std::size_t core = static_cast<std::size_t>(s / 17) % one.core_count();
            one.inject(core, 0);
            many.inject(core, 0);
        }
        one.step();
        many.step();
        INFO("step " << s);
        expect_same_spikes(one, many);
        expect_same_cores(one, many);
    }
    expect_same_run(one, many);
    if (board->threads() > 1 && limits.instructions == 0) {
        CHECK(board->side_by_side_halves() >= steps); // every step's cores, and its rows if any
    }
    return one.counters().cores.spikes;
}

// Returns the image's spikes in the steps compared.
std::uint64_t expect_same_on_every_count(const std::vector<std::uint32_t>& words,
                                         std::uint64_t most_steps = 0) {
    std::uint64_t spikes = 0;
    for (const std::size_t threads : thread_counts) {
        spikes = expect_same_on(words, threads, most_steps);
    }
    return spikes;
}

sf::lems::model bundled_example() {
    return sf::lems::load_model({std::filesystem::path(SF_EXAMPLES_DIR) / "balanced_network" /
                                 "LEMS_balanced_network.xml"});
}

} // namespace

TEST_CASE("lockstep threads: the bundled example steps the same on 1, 2, 3 and 7 threads",
          "[emulator][functional][threads]") {
    const sf::lems::model model = bundled_example();
    SECTION("on spinn5") {
        CHECK(expect_same_on_every_count(image_of(model, mapper::find_board("spinn5"))) > 0);
    }
    SECTION("on small cores over many chips") {
        CHECK(expect_same_on_every_count(image_of(model, inline_board(4, 4, "mesh", 2, 8))) > 0);
    }
    SECTION("with the threads woken only for half steps with much work") {
        CHECK(expect_same_on(image_of(model, inline_board(4, 4, "mesh", 2, 8)), 2, 0, {}) > 0);
    }
}

TEST_CASE("lockstep threads: random networks over many chips step the same on 1, 2, 3 and 7 "
          "threads",
          "[emulator][functional][threads]") {
    for (const board_case& b : random_boards()) {
        SECTION(b.name) {
            for (const std::uint32_t seed : {11u, 12u}) {
                temp_folder dir("sf_test_threads");
                INFO("seed " << seed);
                const sf::lems::model model =
                    load_text(dir, "random.xml", random_network(seed, 24, 30));
                const std::vector<std::uint32_t> words = image_of(model, b.machine);
                CHECK(expect_same_on_every_count(words) > 150);
            }
        }
    }
}

TEST_CASE("lockstep threads: conformance examples step the same on 1, 2, 3 and 7 threads",
          "[emulator][functional][threads]") {
    // Every example of the corpus that maps onto a board, for its first 3000 steps.
    for (const char* example : mappable_examples()) {
        SECTION(example) {
            const sf::lems::model model = conformance_model(example);
            expect_same_on_every_count(image_of(model, mapper::find_board("spinn5")), 3000);
        }
    }
}

namespace {

void expect_same_summary(const sf::cli::fixed_run_summary& a, const sf::cli::fixed_run_summary& b) {
    CHECK(a.cores == b.cores);
    CHECK(a.spikes == b.spikes);
    CHECK(a.synaptic_events == b.synaptic_events);
    CHECK(a.saturations == b.saturations);
    CHECK(a.input_overflows == b.input_overflows);
    CHECK(a.dropped_words == b.dropped_words);
    CHECK(a.program_faults == b.program_faults);
    CHECK(a.held_words == b.held_words);
    CHECK(a.first_fault == b.first_fault);
    CHECK(a.trouble == b.trouble);
    REQUIRE(a.traces.size() == b.traces.size());
    for (std::size_t f = 0; f < a.traces.size(); ++f) {
        REQUIRE(a.traces[f].rows.size() == b.traces[f].rows.size());
        CHECK(std::equal(a.traces[f].rows.begin(), a.traces[f].rows.end(), b.traces[f].rows.begin(),
                         same_bits));
    }
    REQUIRE(a.events.size() == b.events.size());
    for (std::size_t f = 0; f < a.events.size(); ++f) {
        CHECK(a.events[f].events == b.events[f].events);
    }
}

} // namespace

TEST_CASE("lockstep threads: the fixed backend records the same on 1, 2, 3 and 7 threads",
          "[emulator][fixed][threads]") {
    temp_folder dir("sf_test_threads");
    const sf::lems::model model = load_text(dir, "random.xml", random_network(21, 24, 30));
    sf::cli::fixed_run_options options;
    options.output_dir = ".";
    const mapper::board machine = inline_board(4, 4, "mesh", 2, 8);
    const sf::cli::fixed_run_summary one = sf::cli::run_fixed(model, machine, options);
    CHECK(one.threads == 1);
    CHECK(one.spikes > 150);
    CHECK(one.held_words > 0);
    for (const std::size_t threads : thread_counts) {
        INFO(threads << " threads");
        options.threads = threads;
        options.side_by_side = always_side_by_side;
        const sf::cli::fixed_run_summary many = sf::cli::run_fixed(model, machine, options);
        CHECK(many.threads == std::min(threads, many.cores));
        expect_same_summary(one, many);
    }
}

TEST_CASE("lockstep threads: no more threads than cores", "[emulator][functional][threads]") {
    const std::vector<std::uint32_t> words =
        image_of(bundled_example(), mapper::find_board("spinn5"));
    functional_emulator e(words.data(), words.size(), lockstep_board_maker(64));
    REQUIRE(e.ready());
    const auto* board = dynamic_cast<const sf::emulator::lockstep_board*>(e.board());
    REQUIRE(board != nullptr);
    CHECK(board->threads() == e.core_count());
    e.run(20);
    // The example's steps are too small to wake the other threads for, but for the first: its
    // work is not known before.
    CHECK(board->side_by_side_halves() == 1);
    functional_emulator plain(words.data(), words.size());
    REQUIRE(plain.ready());
    const auto* one = dynamic_cast<const sf::emulator::lockstep_board*>(plain.board());
    REQUIRE(one != nullptr);
    CHECK(one->threads() == 1);
}
