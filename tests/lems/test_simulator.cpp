// The float reference simulator on small models whose results are known: forward Euler by hand,
// the reference simulator's file formats, and no output at all when a run fails.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <sf/lems/error.hpp>
#include <sf/lems/loader.hpp>
#include <sf/lems/simulator.hpp>

#include "test_support.hpp"

namespace fs = std::filesystem;
using sf::lems::diagnostics;
using sf::lems::load_options;
using sf::lems::model;
using sf::lems::simulation_options;
using sf::lems::test::entries_of;
using sf::lems::test::listing;
using sf::lems::test::read_table;
using sf::lems::test::read_text;

namespace {

struct temp_folder : sf::lems::test::temp_folder {
    temp_folder() : sf::lems::test::temp_folder("sf_test_simulator") {}
};

model load_clean(const fs::path& file) {
    diagnostics problems;
    model result = sf::lems::load_model({file}, load_options{}, problems);
    INFO(listing(problems.problems()));
    REQUIRE(problems.empty());
    return result;
}

simulation_options into(const fs::path& folder) {
    simulation_options options;
    options.output_dir = folder;
    return options;
}

double parameter(const model& m, const std::string& id, const std::string& name) {
    const sf::lems::component* c = m.find_component(id);
    REQUIRE(c != nullptr);
    return c->parameters.at(name);
}

// A recorded value as written, read back: every value is written with the shortest digits that
// identify its float, so this gives back exactly the float that was recorded.
float recorded(const std::string& field) { return std::stof(field); }

// dx/dt = -x / tau in a type of the model's own, recorded every step.
const std::string decay_model = R"(<Lems>
    <Target component="sim"/>
    <Include file="Simulation.xml"/>
    <ComponentType name="decay">
        <Parameter name="tau" dimension="time"/>
        <Parameter name="x0" dimension="none"/>
        <Exposure name="x" dimension="none"/>
        <Dynamics>
            <StateVariable name="x" dimension="none" exposure="x"/>
            <TimeDerivative variable="x" value="-x / tau"/>
            <OnStart>
                <StateAssignment variable="x" value="x0"/>
            </OnStart>
        </Dynamics>
    </ComponentType>
    <decay id="d" tau="1ms" x0="1.5"/>
    <Simulation id="sim" length="0.1ms" step="0.005ms" target="d">
        <OutputFile id="out" fileName="x.dat">
            <OutputColumn id="x" quantity="x"/>
        </OutputFile>
    </Simulation>
</Lems>
)";

// One integrate-and-fire cell driven by a current pulse from 2 ms; it fires near 24 ms.
const std::string iaf_model = R"(<Lems>
    <Target component="sim"/>
    <Include file="NeuroML2CoreTypes.xml"/>
    <Include file="Simulation.xml"/>
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV"
            leakConductance="10nS" leakReversal="-70mV"/>
    <pulseGenerator id="pulse" delay="2ms" duration="100ms" amplitude="1nA"/>
    <network id="net">
        <population id="pop" component="iaf" size="2"/>
        <explicitInput target="pop[1]" input="pulse"/>
    </network>
    <Simulation id="sim" length="40ms" step="0.05ms" target="net">
        <OutputFile id="volts" fileName="v.dat">
            <OutputColumn id="v1" quantity="pop[1]/v"/>
            <OutputColumn id="v0" quantity="pop[0]/v"/>
        </OutputFile>
        <EventOutputFile id="byTime" fileName="time_id.spikes" format="TIME_ID">
            <EventSelection id="7" select="pop[1]" eventPort="spike"/>
        </EventOutputFile>
        <EventOutputFile id="byId" fileName="id_time.spikes" format="ID_TIME">
            <EventSelection id="7" select="pop[1]" eventPort="spike"/>
        </EventOutputFile>
    </Simulation>
</Lems>
)";

} // namespace

TEST_CASE("simulator: dx/dt = -x/tau gives the forward Euler values", "[lems][simulator]") {
    temp_folder dir;
    const fs::path file = dir.write("decay.xml", decay_model);
    const model m = load_clean(file);
    const sf::lems::simulation_summary summary = sf::lems::simulate(m, into(dir.path() / "out"));
    CHECK(summary.steps == 20);
    CHECK(summary.files_written == std::vector<fs::path>{dir.path() / "out" / "x.dat"});

    const auto rows = read_table(dir.path() / "out" / "x.dat");
    REQUIRE(rows.size() == 21);
    const double tau = parameter(m, "d", "tau");
    const double dt = parameter(m, "sim", "step");
    const double x0 = 1.5;
    double x = x0;
    double t = 0.0;
    for (std::size_t n = 0; n < rows.size(); ++n) {
        INFO("step " << n);
        REQUIRE(rows[n].size() == 2);
        CHECK(recorded(rows[n][0]) == static_cast<float>(t));
        // Step by step as the simulator does it, and in closed form: both round to the same float.
        CHECK(recorded(rows[n][1]) == static_cast<float>(x));
        CHECK(recorded(rows[n][1]) ==
              static_cast<float>(x0 * std::pow(1.0 - dt / tau, static_cast<double>(n))));
        x += dt * (-x / tau);
        t += dt;
    }
    // The last value is visibly not the exact exponential: this is Euler, not an exact solver.
    CHECK(std::fabs(recorded(rows[20][1]) - x0 * std::exp(-0.1)) > 1e-5);
}

TEST_CASE("simulator: an iafCell driven by a pulseGenerator spikes at the forward Euler step",
          "[lems][simulator]") {
    temp_folder dir;
    const fs::path file = dir.write("iaf.xml", iaf_model);
    const model m = load_clean(file);
    static_cast<void>(sf::lems::simulate(m, into(dir.path())));

    const double c = parameter(m, "iaf", "C");
    const double g = parameter(m, "iaf", "leakConductance");
    const double e = parameter(m, "iaf", "leakReversal");
    const double thresh = parameter(m, "iaf", "thresh");
    const double reset = parameter(m, "iaf", "reset");
    const double delay = parameter(m, "pulse", "delay");
    const double duration = parameter(m, "pulse", "duration");
    const double amplitude = parameter(m, "pulse", "amplitude");
    const double dt = parameter(m, "sim", "step");

    // The pulse generator is attached to the cell and is advanced before it in each step; the
    // cell then integrates and tests its threshold with the new v.
    const auto rows = read_table(dir.path() / "v.dat");
    REQUIRE(rows.size() == 801);
    double v = e;
    double t = 0.0;
    std::vector<double> spikes;
    for (std::size_t n = 0; n < rows.size(); ++n) {
        if (n > 0) {
            double i = 0.0;
            if (t >= delay && t < duration + delay) {
                i = amplitude;
            }
            const double i_memb = g * (e - v) + i;
            v += dt * (i_memb / c);
            if (v > thresh) {
                v = reset;
                spikes.push_back(t);
            }
        }
        INFO("step " << n << " at " << rows[n][0]);
        REQUIRE(rows[n].size() == 3);
        REQUIRE(recorded(rows[n][0]) == static_cast<float>(t));
        REQUIRE(recorded(rows[n][1]) == static_cast<float>(v));
        REQUIRE(rows[n][2] == "-0.07"); // the cell without input stays at rest
        t += dt;
    }
    // By hand: v rises towards -70 + 1nA/10nS = +30 mV with tau = 100 ms, crossing -50 mV after
    // 100 ms * ln(100/80) = 22.3 ms of the pulse, i.e. near 24.3 ms.
    REQUIRE(spikes.size() == 1);
    CHECK(spikes.front() == Approx(0.0243).margin(0.0002));
    const auto events = read_table(dir.path() / "time_id.spikes");
    REQUIRE(events.size() == 1);
    CHECK(recorded(events[0][0]) == static_cast<float>(spikes.front()));
}

TEST_CASE("simulator: output files are written in the reference simulator's formats",
          "[lems][simulator]") {
    temp_folder dir;
    SECTION("OutputFile: time then each column, tab after each, Java float text") {
        const model m = load_clean(dir.write("decay.xml", decay_model));
        static_cast<void>(sf::lems::simulate(m, into(dir.path())));
        const std::string text = read_text(dir.path() / "x.dat");
        CHECK(text.rfind("0.0\t1.5\t\n5.0E-6\t1.4925\t\n1.0E-5\t1.4850374\t\n", 0) == 0);
    }
    SECTION("values between 1e-3 and 1e7 in decimal, others in scientific notation") {
        const model m = load_clean(dir.write("iaf.xml", iaf_model));
        static_cast<void>(sf::lems::simulate(m, into(dir.path())));
        const auto rows = read_table(dir.path() / "v.dat");
        CHECK(rows[0] == std::vector<std::string>{"0.0", "-0.07", "-0.07"});
        CHECK(rows[1][0] == "5.0E-5");
        CHECK(rows[2][0] == "1.0E-4");
        CHECK(rows[20][0] == "0.001");
        CHECK(rows[800][0] == "0.04");
        CHECK(read_text(dir.path() / "v.dat").substr(0, 16) == "0.0\t-0.07\t-0.07\t");
    }
    SECTION("EventOutputFile: TIME_ID and ID_TIME") {
        const model m = load_clean(dir.write("iaf.xml", iaf_model));
        static_cast<void>(sf::lems::simulate(m, into(dir.path())));
        const auto by_time = read_table(dir.path() / "time_id.spikes");
        const auto by_id = read_table(dir.path() / "id_time.spikes");
        REQUIRE(by_time.size() == 1);
        REQUIRE(by_time[0].size() == 2);
        CHECK(by_time[0][1] == "7");
        CHECK(by_id == std::vector<std::vector<std::string>>{{"7", by_time[0][0]}});
        CHECK(read_text(dir.path() / "time_id.spikes") == by_time[0][0] + "\t7\n");
    }
    SECTION("an unknown event file format is refused") {
        std::string text = iaf_model;
        text.replace(text.find("format=\"ID_TIME\""), 16, "format=\"TIME_VALUE\"");
        const model m = load_clean(dir.write("iaf.xml", text));
        REQUIRE_THROWS_AS(sf::lems::simulate(m, into(dir.path() / "out")), sf::lems::parse_error);
        CHECK(entries_of(dir.path() / "out").empty());
    }
    SECTION("without an output folder, beside the file that defines the Simulation") {
        const model m = load_clean(dir.write("models/decay.xml", decay_model));
        static_cast<void>(sf::lems::simulate(m));
        CHECK(fs::is_regular_file(dir.path() / "models" / "x.dat"));
    }
}

TEST_CASE("simulator: a simulation that fails writes no file at all", "[lems][simulator]") {
    temp_folder dir;
    const fs::path out = dir.path() / "out";
    SECTION("an OutputColumn naming no variable") {
        std::string text = iaf_model;
        text.replace(text.find("pop[0]/v"), 8, "pop[0]/nosuch");
        const model m = load_clean(dir.write("iaf.xml", text));
        try {
            static_cast<void>(sf::lems::simulate(m, into(out)));
            FAIL("a column of no variable was accepted");
        } catch (const sf::lems::parse_error& e) {
            CHECK(e.where().line == sf::lems::test::line_of(text, "<OutputColumn id=\"v0\""));
            CHECK_THAT(e.message(), Catch::Contains("has no variable 'nosuch'"));
        }
        CHECK(entries_of(out).empty());
    }
    SECTION("an output folder that cannot be created") {
        // The data file can be written; the event files' folder is a regular file. The data file
        // must not be left behind, complete or partial.
        std::string text = iaf_model;
        text.replace(text.find("fileName=\"id_time.spikes\""), 25,
                     "path=\"blocker\" fileName=\"id_time.spikes\"");
        const model m = load_clean(dir.write("iaf.xml", text));
        fs::create_directories(out);
        dir.write("out/blocker", "not a folder");
        CHECK_THROWS(sf::lems::simulate(m, into(out)));
        CHECK(entries_of(out) == std::vector<std::string>{"blocker"});
    }
    SECTION("an output folder that is a file") {
        const model m = load_clean(dir.write("decay.xml", decay_model));
        dir.write("out", "not a folder");
        CHECK_THROWS(sf::lems::simulate(m, into(out)));
        CHECK(entries_of(dir.path()) == std::vector<std::string>{"decay.xml", "out"});
    }
}

TEST_CASE("simulator: an output file that cannot be written is a simulation_error naming it",
          "[lems][simulator]") {
    // simulation_error is the documented class for a file that cannot be written; the command line
    // and other callers rely on catching sf::error for every problem a user can cause.
    temp_folder dir;
    const model m = load_clean(dir.write("decay.xml", decay_model));
    const fs::path out = dir.write("out", "not a folder");
    CHECK_THROWS_AS(sf::lems::simulate(m, into(out)), sf::lems::simulation_error);
    CHECK_THROWS_WITH(sf::lems::simulate(m, into(out)), Catch::Contains(out.string()));
}
