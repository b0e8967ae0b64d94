// Helpers of the emulator's tests: the mapping helpers of the mapper's tests, and the conformance
// corpus for running its examples.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../mapper/mapping_support.hpp"

namespace sf::emulator::test {

using namespace sf::mapper::test;

// The folder named by $SF_CONFORMANCE_DIR, else the build's default.
inline std::filesystem::path configured_corpus_dir() {
    const char* variable = std::getenv("SF_CONFORMANCE_DIR");
    return variable != nullptr && *variable != '\0'
               ? std::filesystem::path(variable)
               : std::filesystem::path(SF_DEFAULT_CONFORMANCE_DIR);
}

// The folder of the NeuroML2/LEMS conformance corpus; nothing when it holds no derived/ models.
inline std::optional<std::filesystem::path> corpus_dir() {
    const std::filesystem::path dir = configured_corpus_dir();
    if (!std::filesystem::is_directory(dir / "derived")) {
        return std::nullopt;
    }
    return dir;
}

// What to tell the user when corpus_dir() finds nothing: where it looked and how to point it
// elsewhere.
inline std::string corpus_missing() {
    return "conformance corpus not found: " + configured_corpus_dir().string() +
           " holds no derived/ folder; set SF_CONFORMANCE_DIR to the folder holding the corpus's "
           "derived/ and reference/";
}

// A conformance example's model (derived/EXAMPLE.ref.xml); fails the test when the corpus is not
// there.
inline sf::lems::model conformance_model(const std::string& example) {
    const auto corpus = corpus_dir();
    if (!corpus) {
        FAIL(corpus_missing());
    }
    const std::filesystem::path file = *corpus / "derived" / (example + ".ref.xml");
    REQUIRE(std::filesystem::is_regular_file(file));
    return sf::lems::load_model({file});
}

// The examples of the corpus that map onto a board (gap junctions and analog synapses do not).
inline std::vector<const char*> mappable_examples() {
    return {"LEMS_NML2_Ex0_IaF",
            "LEMS_NML2_Ex2_Izh",
            "LEMS_NML2_Ex8_AdEx",
            "LEMS_NML2_Ex9_FN",
            "LEMS_NML2_Ex11_STDP",
            "LEMS_NML2_Ex12_Net2",
            "LEMS_NML2_Ex13_Instances",
            "LEMS_NML2_Ex14_PyNN",
            "LEMS_NML2_Ex16_Inputs",
            "LEMS_NML2_Ex21_CurrentBasedSynapses",
            "LEMS_NML2_Ex22_PinskyRinzelCA3",
            "LEMS_NML2_Ex23_Spiketimes",
            "LEMS_NML2_Ex27_MultiSynapses"};
}

// A model's board image on `machine`, mapped with the tests' quick options.
inline std::vector<std::uint32_t> image_of(const sf::lems::model& model,
                                           const sf::mapper::board& machine) {
    return sf::mapper::encode_image(
        sf::mapper::map_network(flatten_here(model), machine, quick_options()));
}

} // namespace sf::emulator::test
