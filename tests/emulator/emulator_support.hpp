// Helpers of the emulator's tests: the mapping helpers of the mapper's tests, and the conformance
// corpus for running its examples.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

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

} // namespace sf::emulator::test
