// A board spread over ranks (functional_emulator with a spike_exchange): the chip partition, and
// ranks in one process, each stepping its own chips' cores on a thread of its own, giving every
// step's spikes, every state word, every counter and every recorded value of one process.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/emulator/chip_partition.hpp>
#include <sf/emulator/functional.hpp>
#include <sf/emulator/lockstep_board.hpp>
#include <sf/firmware/image.hpp>

#include "emulator_support.hpp"
#include "memory_ranks.hpp"
#include "random_networks.hpp"

namespace {

using namespace sf::emulator::test;
using sf::emulator::chip_partition;
using sf::emulator::functional_emulator;
using sf::emulator::partition_chips;
using sf::emulator::spike;
namespace mapper = sf::mapper;

std::size_t block_cores(const std::vector<std::size_t>& cores, const chip_partition& p,
                        std::size_t rank) {
    std::size_t total = 0;
    for (std::size_t c = p.first_chip[rank]; c < p.first_chip[rank + 1]; ++c) {
        total += cores[c];
    }
    return total;
}

} // namespace

TEST_CASE("chip partition: contiguous blocks of whole chips, balanced by cores",
          "[emulator][partition]") {
    const std::vector<std::size_t> cores{4, 4, 4, 4, 1, 1, 0, 2};
    SECTION("one rank takes every chip") {
        const chip_partition p = partition_chips(cores, 1);
        CHECK(p.problem.empty());
        CHECK(p.first_chip == std::vector<std::size_t>{0, 8});
    }
    SECTION("the largest block is as small as it can be") {
        // 20 cores on 3 ranks: no split keeps every block under 8 (4+4 is a chip pair).
        const chip_partition p = partition_chips(cores, 3);
        REQUIRE(p.problem.empty());
        REQUIRE(p.ranks() == 3);
        CHECK(p.first_chip == std::vector<std::size_t>{0, 2, 4, 8});
        CHECK(std::max({block_cores(cores, p, 0), block_cores(cores, p, 1),
                        block_cores(cores, p, 2)}) == 8);
        CHECK(p.rank_of(0) == 0);
        CHECK(p.rank_of(3) == 1);
        CHECK(p.rank_of(7) == 2);
    }
    SECTION("every rank gets at least one chip, even one with no cores") {
        const chip_partition p = partition_chips({5, 0, 0, 0}, 4);
        REQUIRE(p.problem.empty());
        CHECK(p.first_chip == std::vector<std::size_t>{0, 1, 2, 3, 4});
        CHECK(p.chips_of(3) == 1);
    }
    SECTION("as many ranks as chips: a chip each") {
        const chip_partition p = partition_chips(cores, cores.size());
        REQUIRE(p.problem.empty());
        for (std::size_t r = 0; r < cores.size(); ++r) {
            CHECK(p.chips_of(r) == 1);
        }
    }
    SECTION("more ranks than chips are refused") {
        const chip_partition p = partition_chips(cores, 9);
        CHECK(p.first_chip.empty());
        CHECK(p.problem == "9 ranks but the image has 8 chips: each rank runs whole chips, so run "
                           "at most as many ranks as chips");
    }
}

namespace {

// One rank's run: its emulator, and the spikes it listed each step.
struct rank_run {
    std::unique_ptr<memory_rank> exchange;
    std::unique_ptr<functional_emulator> board;
    std::vector<std::vector<spike>> spikes;
};

// Steps an emulator through its run, a spike injected now and then, keeping each step's spikes.
void run_all(functional_emulator& e, std::vector<std::vector<spike>>& spikes) {
    e.run(0);
    for (std::uint64_t s = 1; s <= e.steps(); ++s) {
        if (s % 17 == 0) {
            e.inject(static_cast<std::size_t>(s / 17) % e.core_count(), 0);
        }
        e.step();
        spikes.push_back(e.last_spikes());
    }
}

bool same_spikes(const std::vector<spike>& a, const std::vector<spike>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const spike& x, const spike& y) {
        return x.core == y.core && x.neuron == y.neuron;
    });
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expect_same_counters(const functional_emulator& one, const functional_emulator& rank) {
    const auto a = one.counters();
    const auto b = rank.counters();
    CHECK(a.cores.steps == b.cores.steps);
    CHECK(a.cores.neuron_updates == b.cores.neuron_updates);
    CHECK(a.cores.instructions == b.cores.instructions);
    CHECK(a.cores.spikes == b.cores.spikes);
    CHECK(a.cores.delivered_words == b.cores.delivered_words);
    CHECK(a.cores.input_overflows == b.cores.input_overflows);
    CHECK(a.cores.dropped_words == b.cores.dropped_words);
    CHECK(a.cores.saturations == b.cores.saturations);
    CHECK(a.cores.program_faults == b.cores.program_faults);
    CHECK(a.routers.packets == b.routers.packets);
    CHECK(a.routers.routed == b.routers.routed);
    CHECK(a.routers.delivered == b.routers.delivered);
    CHECK(a.routers.lost == b.routers.lost);
    CHECK(a.unmatched_keys == b.unmatched_keys);
    CHECK(a.looped == b.looped);
    CHECK(a.held_rows == b.held_rows);
    CHECK(one.first_fault().first == rank.first_fault().first);
    CHECK(one.first_fault().second.happened == rank.first_fault().second.happened);
}

// Every state word of every core, read on the rank that steps it.
void expect_same_states(const functional_emulator& one, const std::vector<rank_run>& ranks) {
    for (std::size_t c = 0; c < one.core_count(); ++c) {
        INFO("core " << c);
        const auto owner = std::count_if(ranks.begin(), ranks.end(),
                                         [&](const rank_run& r) { return r.board->local(c); });
        REQUIRE(owner == 1);
        const auto& on = *std::find_if(ranks.begin(), ranks.end(), [&](const rank_run& r) {
                              return r.board->local(c);
                          })->board;
        for (std::size_t n = 0; n < one.core(c).neuron_count(); ++n) {
            for (std::size_t slot = 0; slot < 32; ++slot) {
                REQUIRE(one.core(c).state(n, slot) == on.core(c).state(n, slot));
            }
        }
    }
}

void expect_same_recordings(const functional_emulator& one, const functional_emulator& rank0) {
    REQUIRE(one.traces().size() == rank0.traces().size());
    for (std::size_t f = 0; f < one.traces().size(); ++f) {
        const auto& x = one.traces()[f].rows;
        const auto& y = rank0.traces()[f].rows;
        REQUIRE(x.size() == y.size());
        CHECK(std::equal(x.begin(), x.end(), y.begin(), same_bits));
    }
    REQUIRE(one.events().size() == rank0.events().size());
    for (std::size_t f = 0; f < one.events().size(); ++f) {
        CHECK(one.events()[f].events == rank0.events()[f].events);
    }
}

// An image run in one process and over `count` ranks (threads of this process), compared.
// Returns the spikes of the run.
std::uint64_t expect_same_over_ranks(const std::vector<std::uint32_t>& words, std::size_t count,
                                     std::size_t threads = 1) {
    functional_emulator one(words.data(), words.size());
    REQUIRE(one.ready());
    std::vector<std::vector<spike>> spikes;
    run_all(one, spikes);
    memory_hub hub(count);
    std::vector<rank_run> ranks(count);
    for (std::size_t r = 0; r < count; ++r) {
        ranks[r].exchange = std::make_unique<memory_rank>(hub, r);
        ranks[r].board = std::make_unique<functional_emulator>(
            words.data(), words.size(), sf::emulator::lockstep_board_maker(threads),
            *ranks[r].exchange);
        INFO(ranks[r].board->problem());
        REQUIRE(ranks[r].board->ready());
    }
    std::vector<std::thread> running;
    for (rank_run& r : ranks) {
        running.emplace_back([&r] {
            run_all(*r.board, r.spikes);
            r.board->gather_ranks();
        });
    }
    for (std::thread& t : running) {
        t.join();
    }
    INFO(count << " ranks, " << one.core_count() << " cores on " << one.chip_count() << " chips");
    for (std::size_t r = 0; r < count; ++r) {
        INFO("rank " << r);
        REQUIRE(ranks[r].spikes.size() == spikes.size());
        for (std::size_t s = 0; s < spikes.size(); ++s) {
            INFO("step " << s + 1);
            REQUIRE(same_spikes(spikes[s], ranks[r].spikes[s]));
        }
        expect_same_counters(one, *ranks[r].board);
    }
    expect_same_states(one, ranks);
    expect_same_recordings(one, *ranks[0].board);
    return one.counters().cores.spikes;
}

} // namespace

TEST_CASE("distributed board: the bundled example over 2, 3 and 5 ranks runs as one process",
          "[emulator][distributed]") {
    const sf::lems::model model =
        sf::lems::load_model({std::filesystem::path(SF_EXAMPLES_DIR) / "balanced_network" /
                              "LEMS_balanced_network.xml"});
    const std::vector<std::uint32_t> words = image_of(model, inline_board(4, 4, "mesh", 2, 8));
    for (const std::size_t ranks : {2u, 3u, 5u}) {
        CHECK(expect_same_over_ranks(words, ranks) > 0);
    }
    SECTION("each rank on two threads") { CHECK(expect_same_over_ranks(words, 3, 2) > 0); }
}

TEST_CASE("distributed board: random networks over many chips run over ranks as in one process",
          "[emulator][distributed]") {
    for (const board_case& b : random_boards()) {
        SECTION(b.name) {
            temp_folder dir("sf_test_ranks");
            const sf::lems::model model = load_text(dir, "random.xml", random_network(13, 24, 30));
            const std::vector<std::uint32_t> words = image_of(model, b.machine);
            CHECK(expect_same_over_ranks(words, 2) > 150);
            CHECK(expect_same_over_ranks(words, 4) > 150);
        }
    }
}

TEST_CASE("distributed board: keys no master table takes are counted by the rank that owns the "
          "core",
          "[emulator][distributed]") {
    temp_folder dir("sf_test_ranks");
    const sf::lems::model model = load_text(dir, "random.xml", random_network(13, 24, 30));
    mapper::mapped_network m =
        mapper::map_network(flatten_here(model), inline_board(4, 4, "mesh", 2, 8), quick_options());
    // Every packet a chip's table takes also goes to every core of that chip, most of which have
    // no master entry for its key.
    for (mapper::routing_table& table : m.tables) {
        for (const mapper::mapped_core& core : m.cores) {
            if (core.where.chip == table.chip) {
                for (mapper::route_entry& entry : table.entries) {
                    entry.route |= mapper::core_bit(core.where.core);
                }
            }
        }
    }
    const std::vector<std::uint32_t> words = mapper::encode_image(m);
    functional_emulator one(words.data(), words.size());
    REQUIRE(one.ready());
    one.run(one.steps());
    CHECK(one.counters().unmatched_keys > 100);
    for (const std::size_t ranks : {2u, 3u}) {
        CHECK(expect_same_over_ranks(words, ranks) > 150);
    }
}

TEST_CASE("distributed board: a core's section is checked whole by the rank that steps it alone",
          "[emulator][distributed]") {
    temp_folder dir("sf_test_ranks");
    const sf::lems::model model = load_text(dir, "random.xml", random_network(13, 24, 30));
    std::vector<std::uint32_t> words = image_of(model, inline_board(4, 4, "mesh", 2, 8));
    // The last word of the last core's section, one of its synaptic words, changed: only its
    // checksum tells.
    namespace image = sf::firmware::image;
    image::sections walk(words.data(), words.size());
    image::section_view section;
    std::uint32_t position = 0;
    std::uint32_t last_core = 0;
    std::size_t last_word = 0;
    for (std::uint32_t at = 0; walk.next(section); ++at) {
        if (section.kind == image::section_kind::core) {
            position = at;
            last_core = section.index;
            last_word =
                static_cast<std::size_t>(section.payload - words.data()) + section.length - 1;
        }
    }
    words[last_word] ^= 1u;
    const std::string problem = "the image is refused: a section's checksum does not match in "
                                "section " +
                                std::to_string(position) + " (kind 3, index " +
                                std::to_string(last_core) + ")";
    functional_emulator one(words.data(), words.size());
    CHECK_FALSE(one.ready());
    CHECK_THAT(one.problem(), Catch::StartsWith(problem));
    memory_hub hub(2);
    int owners = 0;
    for (std::size_t r = 0; r < 2; ++r) {
        INFO("rank " << r);
        memory_rank rank(hub, r);
        functional_emulator e(words.data(), words.size(), sf::emulator::lockstep_board_maker(1),
                              rank);
        // The rank that steps that core alone reads its matrix, and refuses it as one process does.
        owners += e.local(last_core) ? 1 : 0;
        CHECK(e.problem() == (e.local(last_core) ? one.problem() : std::string()));
    }
    CHECK(owners == 1);
}

TEST_CASE("distributed board: more ranks than chips are refused", "[emulator][distributed]") {
    temp_folder dir("sf_test_ranks");
    const sf::lems::model model = load_text(dir, "random.xml", random_network(13, 24, 30));
    const std::vector<std::uint32_t> words = image_of(model, inline_board(2, 1, "mesh", 8, 16));
    memory_hub hub(3);
    memory_rank rank(hub, 0);
    functional_emulator e(words.data(), words.size(), sf::emulator::lockstep_board_maker(1), rank);
    CHECK_FALSE(e.ready());
    CHECK(e.problem() == "3 ranks but the image has 2 chips: each rank runs whole chips, so run at "
                         "most as many ranks as chips");
}
