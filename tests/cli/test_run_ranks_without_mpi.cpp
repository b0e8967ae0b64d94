// A spikeforge built without MPI, started as several ranks (the launcher's environment says so),
// refuses to run and says how to get MPI; started as one rank it runs as always. Only a build
// without MPI has these tests (scripts/test.sh's sanitizer build is one): a build with MPI runs
// under mpirun in tests/mpi.
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "run_support.hpp"

#if !SF_TESTS_BUILT_WITH_MPI

namespace {

// Sets an environment variable for the programs the test starts, until the end of the scope.
class environment_variable {
public:
    environment_variable(const char* name, const char* value) : name_(name) {
        ::setenv(name, value, 1);
    }
    ~environment_variable() { ::unsetenv(name_); }
    environment_variable(const environment_variable&) = delete;
    environment_variable& operator=(const environment_variable&) = delete;

private:
    const char* name_;
};

} // namespace

TEST_CASE("run without MPI: started as several ranks, it refuses and says how to get MPI",
          "[cli][mpi]") {
    sf_test::scratch work;
    const auto image =
        sf_test::map_example(work, "balanced_network/LEMS_balanced_network.xml", "net.sfimg");
    for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
        INFO(variable);
        const environment_variable ranks(variable, "2");
        const auto [status, output] = sf_test::run_to_end(
            SPIKEFORGE_BINARY, {"run", image.string(), "-o", (work / "out").string()});
        CHECK(status == 2);
        CHECK(output.find("spikeforge run: started as 2 MPI ranks, but this spikeforge was built "
                          "without MPI: install it (apt-get install libopenmpi-dev openmpi-bin) "
                          "and build spikeforge again") != std::string::npos);
        CHECK(sf_test::outputs_in(work / "out").empty());
    }
    SECTION("as one rank it runs") {
        const environment_variable ranks("OMPI_COMM_WORLD_SIZE", "1");
        const auto [status, output] = sf_test::run_to_end(
            SPIKEFORGE_BINARY, {"run", image.string(), "-o", (work / "one").string()});
        INFO(output);
        CHECK(status == 0);
        CHECK(sf_test::outputs_in(work / "one").size() == 2);
    }
}

#endif
