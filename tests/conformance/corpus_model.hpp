// A corpus example's model, as the conformance tests of the backends load it.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include <sf/lems/loader.hpp>

#include "conformance_corpus.hpp"

namespace sf::conformance {

// The example's derived model with the built-in core types; the test fails when the corpus is
// missing.
inline sf::lems::model load_corpus_example(const std::string& example) {
    const auto corpus = corpus_dir();
    if (!corpus) {
        FAIL(corpus_missing());
    }
    return sf::lems::load_model({*corpus / "derived" / (example + ".ref.xml")});
}

} // namespace sf::conformance
