// What the host reads out of images and recordings: populations and their routing keys from a
// mapped model, and the board's recording blob decoded into the files `spikeforge run` writes.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include <sf/host/host_errors.hpp>
#include <sf/host/image_populations.hpp>
#include <sf/host/population_io.hpp>
#include <sf/host/recording_blob.hpp>

#include "../mapper/mapping_support.hpp"

namespace {

using sf::lems::test::temp_folder;

// Builds a recording blob field by field.
struct blob {
    std::vector<std::uint8_t> bytes;
    blob& u32(std::uint32_t v) {
        for (int b = 0; b < 4; ++b) {
            bytes.push_back(static_cast<std::uint8_t>(v >> (8 * b)));
        }
        return *this;
    }
    blob& f32(float f) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &f, 4);
        return u32(bits);
    }
    blob& f64(double d) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &d, 8);
        return u32(static_cast<std::uint32_t>(bits)).u32(static_cast<std::uint32_t>(bits >> 32));
    }
    blob& text(const std::string& s) {
        u32(static_cast<std::uint32_t>(s.size()));
        bytes.insert(bytes.end(), s.begin(), s.end());
        return *this;
    }
};

blob sample_blob(const std::string& trace_path = "out/v.dat",
                 const std::string& spike_path = "spikes.spikes") {
    blob b;
    b.u32(0x43524653u).u32(1).u32(1);
    b.text(trace_path).u32(2).u32(3);
    for (int row = 0; row < 3; ++row) {
        b.f32(static_cast<float>(row) * 1e-4f)
            .f32(-0.07f + static_cast<float>(row) * 1e-3f)
            .f32(0.5f);
    }
    b.u32(1).text(spike_path).u32(1).u32(2);
    b.f64(0.0012).text("0");
    b.f64(0.0025).text("3");
    return b;
}

std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

TEST_CASE("host: recordings decode into the files the emulator run writes", "[host][recording]") {
    const blob b = sample_blob();
    const auto decoded = sf::host::decode_recordings(b.bytes.data(), b.bytes.size());
    REQUIRE(decoded.traces.size() == 1);
    REQUIRE(decoded.events.size() == 1);
    CHECK(decoded.traces[0].columns == 2);
    CHECK(decoded.traces[0].rows.size() == 9);
    CHECK(decoded.events[0].id_first);
    CHECK(decoded.events[0].events[1].second == "3");

    temp_folder via_host("sf_host_rec");
    temp_folder direct("sf_host_rec_direct");
    const auto written = sf::host::write_recordings(decoded, via_host.path());
    REQUIRE(written.size() == 2);
    std::vector<sf::lems::recorded_trace> traces = decoded.traces;
    traces[0].path = direct.path() / traces[0].path;
    std::vector<sf::lems::recorded_events> events = decoded.events;
    events[0].path = direct.path() / events[0].path;
    sf::lems::write_recordings(traces, events);
    for (const char* name : {"out/v.dat", "spikes.spikes"}) {
        const std::string text = file_text(via_host.path() / name);
        CHECK(!text.empty());
        CHECK(text == file_text(direct.path() / name));
    }
}

TEST_CASE("host: malformed recordings are refused at their byte offset", "[host][recording]") {
    const blob good = sample_blob();
    for (std::size_t cut : {std::size_t{0}, std::size_t{3}, std::size_t{13}, std::size_t{40},
                            good.bytes.size() - 1}) {
        CHECK_THROWS_WITH(sf::host::decode_recordings(good.bytes.data(), cut),
                          Catch::Contains("malformed at byte"));
    }
    blob huge;
    huge.u32(0x43524653u).u32(1).u32(1).text("v.dat").u32(1000).u32(0x7FFFFFFF);
    CHECK_THROWS_WITH(sf::host::decode_recordings(huge.bytes.data(), huge.bytes.size()),
                      Catch::Contains("malformed at byte 29") && Catch::Contains("cannot fit"));
    blob wrong_version;
    wrong_version.u32(0x43524653u).u32(2);
    CHECK_THROWS_WITH(
        sf::host::decode_recordings(wrong_version.bytes.data(), wrong_version.bytes.size()),
        Catch::Contains("version 2"));
    blob trailing = good;
    trailing.u32(0);
    CHECK_THROWS_AS(sf::host::decode_recordings(trailing.bytes.data(), trailing.bytes.size()),
                    sf::host::usage_error);
}

TEST_CASE("host: recording paths stay inside the output folder", "[host][recording]") {
    for (const char* path : {"/etc/passwd", "../x.dat", "a/../../x.dat", ""}) {
        const blob b = sample_blob(path);
        CHECK_THROWS_AS(sf::host::decode_recordings(b.bytes.data(), b.bytes.size()),
                        sf::host::usage_error);
    }
    const blob events = sample_blob("v.dat", "x/../../s.spikes");
    CHECK_THROWS_WITH(sf::host::decode_recordings(events.bytes.data(), events.bytes.size()),
                      Catch::Contains("leaves the output folder"));
}

TEST_CASE("host: an image's populations give each cell its routing key", "[host][populations]") {
    using namespace sf::mapper::test;
    temp_folder dir("sf_host_pops");
    // pre[1] alone is driven by a pulse generator, so it is compiled apart from pre[0] and pre[2]
    // and the population spans two groups.
    std::string model = small_model;
    model.replace(model.find("    </network>"), 0,
                  "        <explicitInput target=\"pre[1]\" input=\"pulse\"/>\n");
    model.replace(model.find("    <network id"), 0,
                  "    <pulseGenerator id=\"pulse\" delay=\"1ms\" duration=\"2ms\" "
                  "amplitude=\"0.1nA\"/>\n");
    const auto mapped = map_text(dir, model, inline_board(2, 2, "mesh", 4, 2));
    const std::vector<std::uint32_t> words = sf::mapper::encode_image(mapped);
    CHECK(std::count(mapped.group_labels.begin(), mapped.group_labels.end(), "pre[0,2]") == 1);
    const auto pops = sf::host::image_populations::read(words);
    CHECK(pops.dt() == Approx(1e-4));
    CHECK(pops.steps() == 300);
    REQUIRE(pops.all().size() == 3);
    CHECK(pops.find("src").keys.size() == 1);
    CHECK(pops.find("pre").keys.size() == 3);
    CHECK(pops.find("izp").keys.size() == 2);
    std::set<std::uint32_t> keys;
    for (std::size_t p = 0; p < pops.all().size(); ++p) {
        const auto& population = pops.all()[p];
        for (std::uint32_t cell = 0; cell < population.keys.size(); ++cell) {
            CHECK(keys.insert(population.keys[cell]).second);
            sf::host::cell_ref where;
            REQUIRE(pops.cell_of(population.keys[cell], where));
            CHECK(where.population == p);
            CHECK(where.cell == cell);
        }
    }
    for (const auto& f : pops.filters({"pre"})) {
        CHECK((f.key & f.mask) == f.key);
    }
    for (const std::uint32_t key : pops.find("pre").keys) {
        bool matched = false;
        for (const auto& f : pops.filters({"pre"})) {
            matched = matched || (key & f.mask) == f.key;
        }
        CHECK(matched);
    }
    CHECK_THROWS_WITH(pops.find("nope"), Catch::Contains("no population 'nope'") &&
                                             Catch::Contains("src") && Catch::Contains("izp"));
    std::vector<std::uint32_t> damaged = words;
    damaged[damaged.size() / 2] ^= 0x100;
    CHECK_THROWS_AS(sf::host::image_populations::read(damaged), sf::host::usage_error);
}

TEST_CASE("host: live I/O by population name speaks cells, not keys", "[host][populations]") {
    using namespace sf::mapper::test;
    temp_folder dir("sf_host_popio");
    const auto mapped = map_text(dir, small_model, inline_board(2, 2, "mesh", 4, 2));
    const auto pops = sf::host::image_populations::read(sf::mapper::encode_image(mapped));
    sf::host::population_io io;
    io.inputs = {"src"};
    io.outputs = {"pre", "izp"};
    io.input = [](std::uint32_t step) {
        sf::host::population_spikes s;
        if (step == 2) {
            s["src"] = {0};
        }
        if (step == 9) {
            s["src"] = {1}; // src has one cell
        }
        if (step == 10) {
            s["pre"] = {0}; // not a live input
        }
        return s;
    };
    std::vector<sf::host::population_spikes> seen;
    io.output = [&](std::uint32_t, const sf::host::population_spikes& s) { seen.push_back(s); };
    const sf::host::key_io keys = sf::host::by_population(pops, io);
    CHECK(keys.input(1).empty());
    CHECK(keys.input(2) == std::vector<std::uint32_t>{pops.find("src").keys[0]});
    CHECK_THROWS_WITH(keys.input(9), Catch::Contains("has 1 cells, not cell 1"));
    CHECK_THROWS_WITH(keys.input(10), Catch::Contains("not a live input"));
    keys.output(3, {pops.find("izp").keys[1], pops.find("pre").keys[2], pops.find("src").keys[0],
                    0xDEADBEEFu});
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].at("izp") == std::vector<std::uint32_t>{1});
    CHECK(seen[0].at("pre") == std::vector<std::uint32_t>{2});
    CHECK(seen[0].count("src") == 0);
    io.outputs = {"nope"};
    CHECK_THROWS_WITH(sf::host::by_population(pops, io), Catch::Contains("populations: src"));
}
