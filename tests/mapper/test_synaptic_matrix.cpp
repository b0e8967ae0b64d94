// Synaptic matrices (sf/mapper/synaptic_matrix.hpp): every connection is one synaptic word in the
// row of its source neuron, in the block of its source slice and hold, on its target's core;
// delays beyond the ring become holds; master tables are sorted by key.
#include <algorithm>
#include <iostream>
#include <random>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <sf/firmware/synapse.hpp>
#include <sf/mapper/compile_error.hpp>
#include <sf/mapper/routing_keys.hpp>
#include <sf/mapper/synaptic_matrix.hpp>

namespace {

namespace mapper = sf::mapper;
namespace synapse = sf::firmware::synapse;

// Groups of the given sizes cut into slices of at most `per_slice` neurons.
mapper::partition_result cut(const std::vector<int>& groups, int per_slice) {
    mapper::partition_result parts;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        parts.slice_of.emplace_back();
        for (int first = 0; first < groups[g]; first += per_slice) {
            const int count = std::min(per_slice, groups[g] - first);
            for (int n = 0; n < count; ++n) {
                parts.slice_of[g].push_back(static_cast<int>(parts.slices.size()));
            }
            parts.slices.push_back({static_cast<int>(g), first, count});
        }
    }
    return parts;
}

struct keys {
    std::vector<std::uint32_t> key;
    std::vector<std::uint32_t> mask;
};

keys keys_of(const mapper::partition_result& parts) {
    std::vector<int> neurons;
    for (const auto& s : parts.slices) {
        neurons.push_back(s.count);
    }
    keys k;
    for (const mapper::key_space& space : mapper::allocate_keys(neurons)) {
        k.key.push_back(space.key);
        k.mask.push_back(space.mask);
    }
    return k;
}

// Groups of the given sizes with 17 input channels each, compiled with a weight unit of 1 and a
// time step of 1 s, so that a connection's payload is its weight and its delay its steps.
struct test_network {
    sf::lems::ir::network net;
    mapper::compiled_network compiled;

    explicit test_network(const std::vector<int>& sizes) {
        net.dt = 1.0;
        compiled.dt = 1.0;
        compiled.min_weight = -(1 << 20); // wider than a word, so that the word's limit shows
        compiled.max_weight = 1 << 20;
        for (int size : sizes) {
            sf::lems::ir::neuron_group g;
            for (int n = 0; n < size; ++n) {
                g.members.push_back(n);
            }
            net.groups.push_back(g);
            mapper::compiled_group cg;
            cg.channel_unit.assign(17, 1.0);
            compiled.groups.push_back(cg);
        }
    }
    void connect(int source_group, int source, int target_group, int target, int channel,
                 std::int32_t weight, int delay) {
        sf::lems::ir::connection c;
        c.source = {source_group, source};
        c.target = {target_group, target};
        c.channel = channel;
        c.payload = weight;
        c.delay = delay;
        net.connections.push_back(c);
    }
    std::vector<mapper::synaptic_matrix> matrices(const mapper::partition_result& parts,
                                                  const keys& k, int slots) const {
        return mapper::build_synaptic_matrices(mapper::index_incoming(net, compiled, slots), parts,
                                               k.key, k.mask);
    }
};

// Groups of the given sizes with up to 399 connections between random neurons, weights over a
// synaptic word's range, channels 0 and 1 and delays of 1 to 40 steps.
test_network random_network(std::mt19937& random, const std::vector<int>& groups) {
    test_network t(groups);
    const int connections = static_cast<int>(random() % 400);
    auto neuron_of = [&](int group) {
        return static_cast<int>(
            random() % static_cast<std::uint32_t>(groups[static_cast<std::size_t>(group)]));
    };
    for (int c = 0; c < connections; ++c) {
        const int sg = static_cast<int>(random() % groups.size());
        const int tg = static_cast<int>(random() % groups.size());
        const int source = neuron_of(sg);
        const int target = neuron_of(tg);
        const auto channel = static_cast<int>(random() % 2);
        const std::int32_t weight = static_cast<std::int32_t>(random() % 65536) - 32768;
        const int delay = 1 + static_cast<int>(random() % 40);
        t.connect(sg, source, tg, target, channel, weight, delay);
    }
    return t;
}

// A word as the matrices hold it: target slice, source key, hold, source neuron's row, word.
using placed =
    std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>;

// Every word of every matrix, where it is, after checking the matrices' structure.
std::vector<placed> words_of(const std::vector<mapper::synaptic_matrix>& matrices,
                             const mapper::partition_result& parts, const keys& k) {
    std::vector<placed> all;
    for (std::size_t t = 0; t < matrices.size(); ++t) {
        INFO("matrix of slice " << t);
        const mapper::synaptic_matrix& m = matrices[t];
        CHECK(m.bytes() == 16 * m.master.size() + 12 * m.blocks.size() + 4 * m.row_offsets.size() +
                               4 * m.words.size());
        CHECK(m.bytes() == mapper::synaptic_bytes(m.master.size(), m.blocks.size(),
                                                  m.row_offsets.size(), m.words.size()));
        std::vector<bool> block_used(m.blocks.size(), false);
        std::vector<bool> word_used(m.words.size(), false);
        for (std::size_t e = 0; e < m.master.size(); ++e) {
            const mapper::master_entry& entry = m.master[e];
            if (e > 0) {
                CHECK(m.master[e - 1].key < entry.key); // sorted, each source once
            }
            const auto source = static_cast<std::size_t>(
                std::find(k.key.begin(), k.key.end(), entry.key) - k.key.begin());
            REQUIRE(source < k.key.size());
            CHECK(entry.mask == k.mask[source]);
            CHECK(entry.block_count >= 1);
            REQUIRE(entry.first_block + entry.block_count <= m.blocks.size());
            std::vector<std::uint32_t> holds;
            for (std::uint32_t b = entry.first_block; b < entry.first_block + entry.block_count;
                 ++b) {
                CHECK_FALSE(block_used[b]);
                block_used[b] = true;
                const mapper::row_block& block = m.blocks[b];
                holds.push_back(block.hold);
                CHECK(block.neurons == static_cast<std::uint32_t>(parts.slices[source].count));
                REQUIRE(block.first_offset + block.neurons + 1 <= m.row_offsets.size());
                for (std::uint32_t row = 0; row < block.neurons; ++row) {
                    const std::uint32_t begin = m.row_offsets[block.first_offset + row];
                    const std::uint32_t end = m.row_offsets[block.first_offset + row + 1];
                    REQUIRE(begin <= end);
                    REQUIRE(end <= m.words.size());
                    for (std::uint32_t w = begin; w < end; ++w) {
                        CHECK_FALSE(word_used[w]);
                        word_used[w] = true;
                        all.emplace_back(static_cast<std::uint32_t>(t), entry.key, block.hold, row,
                                         m.words[w]);
                    }
                }
            }
            CHECK(std::is_sorted(holds.begin(), holds.end()));
            CHECK(std::adjacent_find(holds.begin(), holds.end()) ==
                  holds.end()); // one block per hold
        }
        CHECK(std::find(block_used.begin(), block_used.end(), false) == block_used.end());
        CHECK(std::find(word_used.begin(), word_used.end(), false) == word_used.end());
    }
    std::sort(all.begin(), all.end());
    return all;
}

// Where each connection must be.
std::vector<placed> expected_words(const test_network& network,
                                   const mapper::partition_result& parts, const keys& k,
                                   int slots) {
    std::vector<placed> all;
    mapper::for_each_quantised(
        network.compiled, network.net.connections, [&](const mapper::quantised_connection& c) {
            const int s = parts.slice_of[static_cast<std::size_t>(c.source.group)]
                                        [static_cast<std::size_t>(c.source.neuron)];
            const int t = parts.slice_of[static_cast<std::size_t>(c.target.group)]
                                        [static_cast<std::size_t>(c.target.neuron)];
            const int hold = (c.delay_steps - 1) / slots * slots; // whole rings
            const int ring = c.delay_steps - hold;
            synapse::fields f;
            f.weight = c.weight;
            f.delay = static_cast<std::uint32_t>(ring);
            f.channel = static_cast<std::uint32_t>(c.channel);
            f.target = static_cast<std::uint32_t>(c.target.neuron -
                                                  parts.slices[static_cast<std::size_t>(t)].first);
            std::uint32_t word = 0;
            REQUIRE(synapse::encode(f, word));
            all.emplace_back(static_cast<std::uint32_t>(t), k.key[static_cast<std::size_t>(s)],
                             static_cast<std::uint32_t>(hold),
                             static_cast<std::uint32_t>(
                                 c.source.neuron - parts.slices[static_cast<std::size_t>(s)].first),
                             word);
        });
    std::sort(all.begin(), all.end());
    return all;
}

} // namespace

TEST_CASE("synaptic_matrix: a small network's rows, blocks and master tables",
          "[mapper][synaptic_matrix]") {
    // Group 0: 3 neurons in slices {0, 1} and {2}; group 1: 2 neurons in one slice.
    const mapper::partition_result parts = cut({3, 2}, 2);
    REQUIRE(parts.slices.size() == 3);
    const keys k = keys_of(parts);
    test_network t({3, 2});
    t.connect(0, 1, 1, 0, 0, 100, 3); // slice 0 neuron 1 -> slice 2 neuron 0, within a ring of 8
    t.connect(0, 0, 1, 1, 1, 7, 20);  // slice 0 neuron 0 -> slice 2 neuron 1: a hold of 16, then 4
    t.connect(0, 2, 1, 1, 0, 5, 8);   // slice 1 -> slice 2: the ring's last slot
    t.connect(0, 1, 1, 1, 0, 9, 9);   // slice 0 neuron 1, a hold of 8, then 1
    t.connect(1, 0, 0, 2, 0, 1, 1);   // slice 2 -> slice 1
    const std::vector<mapper::synaptic_matrix> m = t.matrices(parts, k, 8);
    REQUIRE(m.size() == 3);
    CHECK(m[0].master.empty());
    CHECK(m[0].bytes() == 0);
    REQUIRE(m[1].master.size() == 1);
    CHECK(m[1].master[0].key == k.key[2]);

    const mapper::synaptic_matrix& target = m[2];
    REQUIRE(target.master.size() == 2); // from slices 0 and 1, in key order
    CHECK(target.master[0].key < target.master[1].key);
    const mapper::master_entry& from0 =
        target.master[0].key == k.key[0] ? target.master[0] : target.master[1];
    REQUIRE(from0.block_count == 3); // holds 0, 8 and 16: whole rings
    const mapper::row_block& plain = target.blocks[from0.first_block];
    const mapper::row_block& held8 = target.blocks[from0.first_block + 1];
    const mapper::row_block& held16 = target.blocks[from0.first_block + 2];
    CHECK(plain.hold == 0);
    CHECK(held8.hold == 8);
    CHECK(held16.hold == 16);
    CHECK(plain.neurons == 2);
    // Hold 0: neuron 0's row is empty, neuron 1's row holds weight 100, delay 3, channel 0, target
    // 0.
    CHECK(target.row_offsets[plain.first_offset] == target.row_offsets[plain.first_offset + 1]);
    const std::uint32_t w = target.row_offsets[plain.first_offset + 1];
    REQUIRE(target.row_offsets[plain.first_offset + 2] == w + 1);
    CHECK(synapse::weight(target.words[w]) == 100);
    CHECK(synapse::delay(target.words[w]) == 3);
    CHECK(synapse::channel(target.words[w]) == 0);
    CHECK(synapse::target(target.words[w]) == 0);
    // Hold 16: neuron 0's row, delay 4 in the ring, channel 1, target 1.
    const std::uint32_t h = target.row_offsets[held16.first_offset];
    REQUIRE(target.row_offsets[held16.first_offset + 1] == h + 1);
    CHECK(synapse::delay(target.words[h]) == 4);
    CHECK(synapse::channel(target.words[h]) == 1);
    CHECK(synapse::target(target.words[h]) == 1);
    CHECK(target.bytes() == 16 * 2 + 12 * 4 + 4 * (3 * 3 + 2) + 4 * 4);
    CHECK(words_of(m, parts, k) == expected_words(t, parts, k, 8));
}

TEST_CASE("synaptic_matrix: random networks, every connection once where it belongs",
          "[mapper][synaptic_matrix]") {
    const std::uint32_t seed = 20240611;
    std::cout << "synaptic_matrix random networks: seed " << seed << "\n";
    std::mt19937 random(seed);
    for (int round = 0; round < 12; ++round) {
        const int slots = 1 << (round % 5); // 1 to 16
        std::vector<int> groups;
        const int group_count = 1 + static_cast<int>(random() % 4);
        for (int g = 0; g < group_count; ++g) {
            groups.push_back(1 + static_cast<int>(random() % 40));
        }
        const int per_slice = 1 + static_cast<int>(random() % 16);
        const mapper::partition_result parts = cut(groups, per_slice);
        const keys k = keys_of(parts);
        const test_network t = random_network(random, groups);
        const auto connections = t.net.connections.size();
        INFO("round " << round << ": " << slots << " slots, " << parts.slices.size() << " slices, "
                      << connections << " connections");
        const std::vector<mapper::synaptic_matrix> m = t.matrices(parts, k, slots);
        REQUIRE(m.size() == parts.slices.size());
        CHECK(words_of(m, parts, k) == expected_words(t, parts, k, slots));
        std::uint64_t words = 0;
        for (const auto& matrix : m) {
            words += matrix.words.size();
            for (const auto& b : matrix.blocks) {
                CHECK(b.hold % static_cast<std::uint32_t>(slots) == 0); // whole rings
                CHECK(b.hold < 40u);
            }
            for (const std::uint32_t word : matrix.words) {
                CHECK(synapse::delay(word) <= static_cast<std::uint32_t>(slots));
            }
        }
        CHECK(words == t.net.connections.size());
    }
}

TEST_CASE("synaptic_matrix: a connection that does not fit a synaptic word is an error",
          "[mapper][synaptic_matrix]") {
    const mapper::partition_result parts = cut({2, 300}, 300);
    const keys k = keys_of(parts);
    test_network t({2, 300});
    SECTION("a weight beyond 16 bits") { t.connect(0, 0, 0, 1, 0, 32768, 1); }
    SECTION("a weight below -2^15") { t.connect(0, 0, 0, 1, 0, -32769, 1); }
    SECTION("channel 16") { t.connect(0, 0, 0, 1, 16, 1, 1); }
    SECTION("target neuron 256 of a slice") { t.connect(0, 0, 1, 256, 0, 1, 1); }
    CHECK_THROWS_AS(t.matrices(parts, k, 16), mapper::compile_error);
    CHECK_THROWS_WITH(t.matrices(parts, k, 16),
                      Catch::StartsWith("a connection does not fit a synaptic word (weight "));
}

TEST_CASE("synaptic_matrix: a delay longer than rows can wait is an error, the longest fits",
          "[mapper][synaptic_matrix]") {
    const mapper::partition_result parts = cut({1, 2}, 2);
    const keys k = keys_of(parts);
    constexpr int slots = 16;
    constexpr int longest = 65535 * slots + slots; // 65 535 whole rings, then a full ring
    SECTION("the longest") {
        test_network t({1, 2});
        t.connect(0, 0, 1, 1, 0, 5, longest);
        const std::vector<mapper::synaptic_matrix> m = t.matrices(parts, k, slots);
        REQUIRE(m[1].blocks.size() == 1);
        CHECK(m[1].blocks[0].hold == 65535u * slots);
        REQUIRE(m[1].words.size() == 1);
        CHECK(synapse::delay(m[1].words[0]) == static_cast<std::uint32_t>(slots));
    }
    SECTION("a step longer") {
        test_network t({1, 2});
        t.connect(0, 0, 1, 1, 0, 5, longest + 1);
        CHECK_THROWS_AS(t.matrices(parts, k, slots), mapper::compile_error);
        CHECK_THROWS_WITH(t.matrices(parts, k, slots),
                          Catch::Contains("a connection's delay of 1048577 steps is longer than a "
                                          "core's rows can wait (at most 1048576 steps with rings "
                                          "of 16 slots)"));
    }
}

TEST_CASE("synaptic_matrix: the largest values of a synaptic word fit",
          "[mapper][synaptic_matrix]") {
    const mapper::partition_result parts = cut({1, 256}, 256);
    const keys k = keys_of(parts);
    test_network t({1, 256});
    t.connect(0, 0, 1, 255, 15, 32767, 16);
    t.connect(0, 0, 1, 0, 0, -32768, 1000);
    const std::vector<mapper::synaptic_matrix> m = t.matrices(parts, k, 16);
    CHECK(words_of(m, parts, k) == expected_words(t, parts, k, 16));
    REQUIRE(m[1].blocks.size() == 2);
    CHECK(m[1].blocks[1].hold == 992); // 62 rings of 16, then 8 steps
}

TEST_CASE("synaptic_matrix: the index and the matrices are the same on any number of threads",
          "[mapper][synaptic_matrix]") {
    std::mt19937 random(20261207);
    for (int round = 0; round < 8; ++round) {
        const int slots = 1 << (round % 5);
        const std::vector<int> groups{1 + static_cast<int>(random() % 300),
                                      1 + static_cast<int>(random() % 30)};
        const mapper::partition_result parts = cut(groups, 1 + static_cast<int>(random() % 64));
        const keys k = keys_of(parts);
        const test_network t = random_network(random, groups);
        INFO("round " << round << ": " << t.net.connections.size() << " connections");
        const mapper::incoming_synapses one =
            mapper::index_incoming(t.net, t.compiled, slots, {}, 1);
        const std::vector<mapper::synaptic_matrix> serial =
            mapper::build_synaptic_matrices(one, parts, k.key, k.mask, {}, 1);
        for (const std::size_t threads : {2, 3, 7}) {
            INFO(threads << " threads");
            const mapper::incoming_synapses many =
                mapper::index_incoming(t.net, t.compiled, slots, {}, threads);
            CHECK(many.first == one.first);
            CHECK(many.source == one.source);
            CHECK(many.word == one.word);
            CHECK(many.held_rings == one.held_rings);
            const std::vector<mapper::synaptic_matrix> matrices =
                mapper::build_synaptic_matrices(many, parts, k.key, k.mask, {}, threads);
            REQUIRE(matrices.size() == serial.size());
            for (std::size_t m = 0; m < matrices.size(); ++m) {
                CHECK(matrices[m].words == serial[m].words);
                CHECK(matrices[m].row_offsets == serial[m].row_offsets);
                REQUIRE(matrices[m].blocks.size() == serial[m].blocks.size());
                for (std::size_t b = 0; b < serial[m].blocks.size(); ++b) {
                    CHECK(matrices[m].blocks[b].hold == serial[m].blocks[b].hold);
                    CHECK(matrices[m].blocks[b].first_offset == serial[m].blocks[b].first_offset);
                }
                REQUIRE(matrices[m].master.size() == serial[m].master.size());
                for (std::size_t e = 0; e < serial[m].master.size(); ++e) {
                    CHECK(matrices[m].master[e].key == serial[m].master[e].key);
                    CHECK(matrices[m].master[e].first_block == serial[m].master[e].first_block);
                }
            }
        }
    }
}

TEST_CASE("synaptic_matrix: of two connections that do not fit, the first is named on any "
          "number of threads",
          "[mapper][synaptic_matrix]") {
    // The first in the network's order reaches the last neuron, the second the first neuron: on
    // several threads they are filed by different ones.
    test_network t({2, 300});
    t.connect(0, 0, 1, 299, 0, 40000, 1);
    t.connect(0, 1, 1, 0, 0, -40000, 1);
    for (const std::size_t threads : {1, 2, 3, 7}) {
        INFO(threads << " threads");
        CHECK_THROWS_WITH(mapper::index_incoming(t.net, t.compiled, 16, {}, threads),
                          Catch::Contains("(weight 40000, delay 1, channel 0)"));
    }
}
