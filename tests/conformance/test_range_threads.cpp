// The quantiser's float range run with every step's events shared out among threads, on every
// conformance example the cores run: the programs, constants, tables and formats it chooses are
// those of the run on one thread.
#include <cstddef>

#include <catch2/catch.hpp>

#include <sf/lems/flatten.hpp>
#include <sf/mapper/board_loader.hpp>
#include <sf/mapper/quantise.hpp>

#include "../lems/test_support.hpp"
#include "corpus_model.hpp"

namespace {

sf::mapper::compiled_network quantised(const sf::lems::ir::network& net, std::size_t threads) {
    sf::mapper::quantise_options options;
    options.threads = threads;
    options.events_worth_threads = 1; // every step that delivers an event shares it out
    return sf::mapper::quantise(net, sf::mapper::find_board("spinn5"), options);
}

void check_same_groups(const sf::mapper::compiled_network& a,
                       const sf::mapper::compiled_network& b) {
    REQUIRE(a.groups.size() == b.groups.size());
    for (std::size_t g = 0; g < a.groups.size(); ++g) {
        INFO("group " << g);
        const sf::mapper::compiled_group& x = a.groups[g];
        const sf::mapper::compiled_group& y = b.groups[g];
        CHECK(x.format == y.format);
        CHECK(x.program == y.program);
        CHECK(x.constants == y.constants);
        CHECK(x.initial_state == y.initial_state);
        CHECK(x.channel_unit == y.channel_unit);
        REQUIRE(x.tables.size() == y.tables.size());
        for (std::size_t t = 0; t < x.tables.size(); ++t) {
            CHECK(x.tables[t].x0 == y.tables[t].x0);
            CHECK(x.tables[t].step == y.tables[t].step);
            CHECK(x.tables[t].samples == y.tables[t].samples);
        }
    }
}

void compare_example(const char* example) {
    const sf::lems::model model = sf::conformance::load_corpus_example(example);
    sf::lems::test::temp_folder out("sf_test_range_threads");
    sf::lems::flatten_options flat;
    flat.output_dir = out.path();
    const sf::lems::ir::network net = sf::lems::flatten(model, flat);
    check_same_groups(quantised(net, 1), quantised(net, 3));
}

} // namespace

// One test per example the cores run, so that they run side by side.
#define SF_RANGE_EXAMPLE(example)                                                                  \
    TEST_CASE("quantise: the formats are the same with the range run on threads, " example,        \
              "[conformance][quantise][threads]") {                                                \
        compare_example(example);                                                                  \
    }

SF_RANGE_EXAMPLE("LEMS_NML2_Ex0_IaF")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex2_Izh")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex8_AdEx")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex9_FN")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex11_STDP")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex12_Net2")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex13_Instances")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex14_PyNN")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex16_Inputs")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex21_CurrentBasedSynapses")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex22_PinskyRinzelCA3")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex23_Spiketimes")
SF_RANGE_EXAMPLE("LEMS_NML2_Ex27_MultiSynapses")
