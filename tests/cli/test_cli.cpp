// End-to-end tests of the spikeforge command line: each runs the built binary on small models
// written into a temporary folder and checks its exit code and what it prints.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct run_result {
    int exit_code = -1;
    std::string output; // stdout and stderr, interleaved
};

std::string quoted(const std::string& text) {
    std::string result = "'";
    for (const char c : text) {
        result += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return result + "'";
}

// Runs the binary with `arguments` (already quoted where needed) through the shell.
run_result run(const std::string& arguments) {
    const std::string command = quoted(SPIKEFORGE_BINARY) + " " + arguments + " 2>&1";
    run_result result;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
        result.output.append(buffer, n);
    }
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

// A folder of its own for one test, removed with everything in it at the end.
class temp_folder {
public:
    temp_folder() {
        static int counter = 0;
        path_ = fs::temp_directory_path() /
                ("sf_test_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(path_);
        fs::create_directories(path_);
        path_ = fs::canonical(path_);
    }
    temp_folder(const temp_folder&) = delete;
    temp_folder& operator=(const temp_folder&) = delete;
    ~temp_folder() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }

    const fs::path& path() const { return path_; }

    fs::path write(const std::string& name, const std::string& text) const {
        const fs::path file = path_ / name;
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }

private:
    fs::path path_;
};

std::vector<std::string> entries_of(const fs::path& folder) {
    std::vector<std::string> names;
    if (fs::exists(folder)) {
        for (const auto& entry : fs::recursive_directory_iterator(folder)) {
            names.push_back(fs::relative(entry.path(), folder).string());
        }
    }
    return names;
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// 1-based line of the first occurrence of `needle` in `text`.
int line_of(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    REQUIRE(at != std::string::npos);
    return 1 + static_cast<int>(
                   std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// The line of `output` that starts with `prefix` (empty when there is none).
std::string line_starting(const std::string& output, const std::string& prefix) {
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(prefix, 0) == 0) {
            return line;
        }
    }
    return {};
}

// Two populations of integrate-and-fire cells, a projection with two connections and a pulse
// input: the cell driven by the pulse spikes within the 60 ms run.
const std::string good_model = R"(<Lems>
    <Target component="sim"/>
    <Include file="Cells.xml"/>
    <Include file="Networks.xml"/>
    <Include file="Simulation.xml"/>
    <iafCell id="iaf" C="1nF" thresh="-50mV" reset="-70mV"
            leakConductance="10nS" leakReversal="-70mV"/>
    <pulseGenerator id="pulse" delay="5ms" duration="100ms" amplitude="1nA"/>
    <expOneSynapse id="syn" gbase="1nS" erev="0mV" tauDecay="2ms"/>
    <network id="net">
        <population id="pre" component="iaf" size="3"/>
        <population id="post" component="iaf" size="2"/>
        <projection id="proj" presynapticPopulation="pre" postsynapticPopulation="post"
                synapse="syn">
            <connection id="0" preCellId="../pre[0]" postCellId="../post[1]"/>
            <connection id="1" preCellId="../pre[2]" postCellId="../post[0]"/>
        </projection>
        <explicitInput target="pre[0]" input="pulse"/>
    </network>
    <Simulation id="sim" length="60ms" step="0.05ms" target="net">
        <OutputFile id="volts" fileName="volts.dat">
            <OutputColumn id="v0" quantity="pre[0]/v"/>
            <OutputColumn id="v1" quantity="post[1]/v"/>
        </OutputFile>
        <EventOutputFile id="spikes" fileName="spikes.dat" format="TIME_ID">
            <EventSelection id="0" select="pre[0]" eventPort="spike"/>
        </EventOutputFile>
    </Simulation>
</Lems>
)";

} // namespace

TEST_CASE("cli: --help lists the subcommands and their options", "[cli][help]") {
    SECTION("top level") {
        const run_result r = run("--help");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.output, Catch::Contains("validate"));
        CHECK_THAT(r.output, Catch::Contains("info"));
        CHECK_THAT(r.output, Catch::Contains("simulate"));
    }
    SECTION("validate") {
        const run_result r = run("validate --help");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.output, Catch::Contains("--include-path"));
        CHECK_THAT(r.output, Catch::Contains("--no-builtin-coretypes"));
    }
    SECTION("info") {
        const run_result r = run("info --help");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.output, Catch::Contains("--include-path"));
    }
    SECTION("simulate") {
        const run_result r = run("simulate --help");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.output, Catch::Contains("--out"));
        CHECK_THAT(r.output, Catch::Contains("--backend"));
    }
}

TEST_CASE("cli: bad usage exits with 2", "[cli][usage]") {
    temp_folder dir;
    SECTION("unknown subcommand") {
        const run_result r = run("frobnicate");
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains("unknown command 'frobnicate'"));
        CHECK_THAT(r.output, Catch::Contains("simulate"));
    }
    SECTION("no subcommand") { CHECK(run("").exit_code == 2); }
    SECTION("a file that does not exist") {
        const run_result r = run("validate " + quoted((dir.path() / "nosuch.xml").string()));
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains("nosuch.xml"));
    }
    SECTION("simulate with an unknown backend writes nothing") {
        const fs::path model = dir.write("model.xml", good_model);
        const fs::path out = dir.path() / "out";
        const run_result r = run("simulate " + quoted(model.string()) + " -o " +
                                 quoted(out.string()) + " --backend nosuch");
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains("nosuch"));
        CHECK(entries_of(out).empty());
    }
    SECTION("simulate with an unknown native-code choice writes nothing") {
        const fs::path model = dir.write("model.xml", good_model);
        const fs::path out = dir.path() / "out";
        const run_result r = run("simulate " + quoted(model.string()) + " -o " +
                                 quoted(out.string()) + " --native-code sometimes");
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains("sometimes"));
        CHECK(entries_of(out).empty());
    }
}

TEST_CASE("cli: validate accepts a good model", "[cli][validate]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const run_result r = run("validate " + quoted(model.string()));
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("valid"));
}

TEST_CASE("cli: validate prints every problem with its file and line", "[cli][validate]") {
    temp_folder dir;
    const std::string text = R"(<Lems>
    <Dimension name="time" t="1"/>
    <Unit symbol="ms" dimension="time" power="-3"/>
    <ComponentType name="decay">
        <Parameter name="tau" dimension="time"/>
        <Dynamics>
            <StateVariable name="x" dimension="none"/>
            <TimeDerivative variable="x" value="-x / tau"/>
            <Wobble amount="3"/>
        </Dynamics>
    </ComponentType>
    <decay id="a"/>
    <decay id="b" tau="3 fortnights"/>
</Lems>
)";
    const fs::path model = dir.write("three.xml", text);
    const run_result r = run("validate " + quoted(model.string()));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    const std::string file = model.string();
    CHECK_THAT(line_starting(r.output, file + ":" + std::to_string(line_of(text, "<Wobble")) + ":"),
               Catch::Contains("Wobble"));
    CHECK_THAT(line_starting(r.output,
                             file + ":" + std::to_string(line_of(text, "<decay id=\"a\"")) + ":"),
               Catch::Contains("missing parameter 'tau'"));
    CHECK_THAT(line_starting(r.output,
                             file + ":" + std::to_string(line_of(text, "<decay id=\"b\"")) + ":"),
               Catch::Contains("fortnights"));
    CHECK_THAT(r.output, Catch::Contains("3 problems found"));
}

TEST_CASE("cli: simulate writes the output files into the -o folder", "[cli][simulate]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path out = dir.path() / "results";
    const run_result r = run("simulate " + quoted(model.string()) + " -o " + quoted(out.string()));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("volts.dat"));
    // 60 ms in steps of 0.05 ms: 1201 rows of time and two voltages.
    const std::string volts = read_text(out / "volts.dat");
    CHECK(std::count(volts.begin(), volts.end(), '\n') == 1201);
    CHECK(volts.rfind("0.0\t-0.07\t-0.07\t\n", 0) == 0);
    const std::string spikes = read_text(out / "spikes.dat");
    CHECK_FALSE(spikes.empty());
    CHECK(spikes.find("\t0\n") != std::string::npos);
    // Nothing beside the model: the output went to -o, not next to the LEMS file.
    CHECK(entries_of(dir.path()).size() == 4); // model.xml, results, and the two files in it
}

TEST_CASE("cli: simulate on a bad model exits with 2 and writes nothing", "[cli][simulate]") {
    temp_folder dir;
    const fs::path out = dir.path() / "out";
    fs::create_directories(out);
    SECTION("a problem found while loading") {
        std::string text = good_model;
        text.replace(text.find("thresh=\"-50mV\""), 14, "thresh=\"-50ms\"");
        const fs::path model = dir.write("model.xml", text);
        const run_result r =
            run("simulate " + quoted(model.string()) + " -o " + quoted(out.string()));
        INFO(r.output);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains(model.string() + ":" +
                                             std::to_string(line_of(text, "<iafCell"))));
        CHECK_THAT(r.output, Catch::Contains("thresh"));
    }
    SECTION("a problem found while building the simulation") {
        std::string text = good_model;
        text.replace(text.find("post[1]/v"), 9, "post[1]/nosuch");
        const fs::path model = dir.write("model.xml", text);
        const run_result r =
            run("simulate " + quoted(model.string()) + " -o " + quoted(out.string()));
        INFO(r.output);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains("nosuch"));
    }
    CHECK(entries_of(out).empty());
}

TEST_CASE("cli: info prints populations, sizes and projections", "[cli][info]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const run_result r = run("info " + quoted(model.string()));
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("population pre: 3 x iaf (iafCell)"));
    CHECK_THAT(r.output, Catch::Contains("population post: 2 x iaf (iafCell)"));
    CHECK_THAT(r.output, Catch::Contains("projection proj: pre -> post via syn, 2 connections"));
    CHECK_THAT(r.output, Catch::Contains("explicitInput pulse -> pre[0]"));
    CHECK_THAT(r.output, Catch::Contains("simulation sim: target net"));
}

// ---- the quantising compiler and the fixed-point backend ---------------------------------------

namespace {

// A board like spinn5 whose neurons hold only two state words: no cell of good_model fits.
const std::string cramped_board = R"(<board name="cramped" time_step="1 ms">
  <chips width="1" height="1" topology="mesh" cores="2" router_entries="64" link_bandwidth="1000"/>
  <core neurons="256" state_words_per_neuron="2" state_memory_words="8192"
        synaptic_memory_bytes="1000000" program_words="1024" constant_words="1024"
        lookup_table_words="2048" weight_bits="16" delay_slots="16" input_channels="2"/>
</board>
)";

// The mnemonics of docs/isa.md.
bool is_mnemonic(const std::string& word) {
    static const std::vector<std::string> mnemonics{
        "nop", "li",  "ldc",   "lds",   "sts",   "ldin", "add", "sub",   "mul", "shl", "shr",
        "min", "max", "cmpgt", "cmpge", "cmpeq", "sel",  "lut", "spike", "ldt", "rand"};
    return std::find(mnemonics.begin(), mnemonics.end(), word) != mnemonics.end();
}

std::vector<std::string> sorted_entries(const fs::path& folder) {
    std::vector<std::string> names = entries_of(folder);
    std::sort(names.begin(), names.end());
    return names;
}

double magnitude(double x) { return x < 0.0 ? -x : x; }

// The rows of a tab-separated output file as numbers.
std::vector<std::vector<double>> numbers_of(const fs::path& file) {
    std::vector<std::vector<double>> rows;
    std::istringstream lines(read_text(file));
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<double> row;
        std::istringstream cells(line);
        std::string cell;
        while (std::getline(cells, cell, '\t')) {
            if (!cell.empty()) {
                row.push_back(std::stod(cell));
            }
        }
        rows.push_back(row);
    }
    return rows;
}

} // namespace

TEST_CASE("cli: compile prints the quantisation report", "[cli][compile]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const run_result r = run("compile " + quoted(model.string()) + " --board spinn5");
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output,
               Catch::StartsWith("board spinn5, time step 5e-05 s, forward Euler, 16-bit weights"));
    CHECK_THAT(r.output, Catch::Contains("== pre[0] (iaf): 1 neurons"));
    CHECK_THAT(r.output, Catch::Contains("== post[0..1] (iaf): 2 neurons"));
    CHECK_THAT(r.output, Catch::Contains("    v [V]: 2^-32, range -0.07 .. "));
    CHECK_THAT(r.output, Catch::Contains("constants (float -> fixed, relative error):"));
    CHECK_THAT(r.output, Catch::Contains("syn port in: 2 connections"));
    CHECK_THAT(r.output, Catch::Contains("delays (as written -> whole steps, connections):"));
    // Nothing is written beside the model.
    CHECK(entries_of(dir.path()).size() == 1);
    SECTION("with the exact integrator") {
        const run_result e = run("compile " + quoted(model.string()) + " --integrator exact");
        INFO(e.output);
        CHECK(e.exit_code == 0);
        CHECK_THAT(e.output, Catch::Contains("exact for linear equations"));
    }
    SECTION("an unknown integrator") {
        const run_result e = run("compile " + quoted(model.string()) + " --integrator rk4");
        CHECK(e.exit_code == 2);
        CHECK_THAT(e.output, Catch::Contains("rk4"));
    }
}

TEST_CASE("cli: compile --asm writes each population's program as assembly", "[cli][compile]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path asm_dir = dir.path() / "asm";
    const run_result r =
        run("compile " + quoted(model.string()) + " --asm " + quoted(asm_dir.string()));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const std::vector<std::string> files{"post_0__1_.s", "pre_0_.s", "pre_1__2_.s"};
    CHECK(sorted_entries(asm_dir) == files);
    const std::vector<std::string> labels{"post[0..1]", "pre[0]", "pre[1..2]"};
    for (std::size_t f = 0; f < files.size(); ++f) {
        const fs::path file = asm_dir / files[f];
        INFO(file.string());
        CHECK_THAT(r.output, Catch::Contains("wrote " + file.string()));
        const std::string text = read_text(file);
        CHECK_THAT(text, Catch::StartsWith("; " + labels[f] + " (iaf)\n"));
        std::istringstream lines(text);
        std::string line;
        int instructions = 0;
        while (std::getline(lines, line)) {
            if (line.empty() || line[0] == ';') {
                continue;
            }
            std::istringstream words(line);
            std::string word;
            words >> word;
            if (word.front() == '(') { // a predicate
                words >> word;
            }
            INFO(line);
            CHECK(is_mnemonic(word));
            ++instructions;
        }
        CHECK(instructions > 10);
        CHECK_THAT(text, Catch::Contains("    lds r"));
        CHECK_THAT(text, Catch::Contains("    sts "));
    }
}

TEST_CASE("cli: compile for an unknown board exits with 2 and lists the known boards",
          "[cli][compile]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path asm_dir = dir.path() / "asm";
    const run_result r = run("compile " + quoted(model.string()) + " --board nosuch --asm " +
                             quoted(asm_dir.string()));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("unknown board"));
    CHECK_THAT(r.output, Catch::Contains("bss2, spinn5, tiny"));
    CHECK_THAT(r.output, Catch::Contains("nosuch"));
    CHECK_FALSE(fs::exists(asm_dir));
}

TEST_CASE("cli: compile for a board the model does not fit exits with 2 and says why",
          "[cli][compile]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path board = dir.write("cramped.xml", cramped_board);
    const fs::path asm_dir = dir.path() / "asm";
    const run_result r = run("compile " + quoted(model.string()) + " --board " +
                             quoted(board.string()) + " --asm " + quoted(asm_dir.string()));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("spikeforge: pre[0]: needs "));
    CHECK_THAT(r.output, Catch::Contains(" state words per neuron; board cramped's cores hold 2"));
    // No report and no assembly for a network that is refused.
    CHECK_THAT(r.output, !Catch::Contains("== pre[0]"));
    CHECK_FALSE(fs::exists(asm_dir));
}

TEST_CASE("cli: simulate --backend fixed writes the float backend's files",
          "[cli][simulate][fixed]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path float_out = dir.path() / "float";
    const fs::path fixed_out = dir.path() / "fixed";
    const run_result f =
        run("simulate " + quoted(model.string()) + " -o " + quoted(float_out.string()));
    INFO(f.output);
    REQUIRE(f.exit_code == 0);
    const run_result x = run("simulate --backend fixed --board spinn5 " + quoted(model.string()) +
                             " -o " + quoted(fixed_out.string()));
    INFO(x.output);
    REQUIRE(x.exit_code == 0);
    CHECK_THAT(x.output, Catch::Contains("(fixed point)"));
    CHECK_THAT(x.output, Catch::Contains("program faults 0"));
    CHECK(sorted_entries(fixed_out) == sorted_entries(float_out));
    CHECK(sorted_entries(fixed_out) == std::vector<std::string>{"spikes.dat", "volts.dat"});

    // The spike raster: the driven cell spikes, at the float backend's times within one step.
    const std::string spikes = read_text(fixed_out / "spikes.dat");
    CHECK_FALSE(spikes.empty());
    CHECK(spikes.find("\t0\n") != std::string::npos);
    const auto fixed_spikes = numbers_of(fixed_out / "spikes.dat");
    const auto float_spikes = numbers_of(float_out / "spikes.dat");
    REQUIRE(fixed_spikes.size() == float_spikes.size());
    for (std::size_t s = 0; s < fixed_spikes.size(); ++s) {
        CHECK(magnitude(fixed_spikes[s][0] - float_spikes[s][0]) <= 0.05e-3 + 1e-9);
    }
    // The traces: same rows, potentials within 0.05 mV (a synaptic event reaches a core one step
    // after the float simulator handles it).
    const auto fixed_volts = numbers_of(fixed_out / "volts.dat");
    const auto float_volts = numbers_of(float_out / "volts.dat");
    REQUIRE(fixed_volts.size() == 1201);
    REQUIRE(float_volts.size() == 1201);
    double largest = 0.0;
    for (std::size_t row = 0; row < fixed_volts.size(); ++row) {
        REQUIRE(fixed_volts[row].size() == 3);
        CHECK(fixed_volts[row][0] == float_volts[row][0]);
        for (std::size_t c = 1; c < 3; ++c) {
            largest = std::max(largest, magnitude(fixed_volts[row][c] - float_volts[row][c]));
        }
    }
    INFO("largest difference " << largest << " V");
    CHECK(largest < 5e-5);
}

TEST_CASE("cli: simulate with backend nonsense exits with 2", "[cli][simulate][fixed]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path out = dir.path() / "out";
    const run_result r = run("simulate --backend nonsense --board spinn5 " +
                             quoted(model.string()) + " -o " + quoted(out.string()));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains("unknown backend 'nonsense' (available: float, fixed)"));
    CHECK(entries_of(out).empty());
}

TEST_CASE("cli: simulate --backend fixed writes nothing when the model does not fit",
          "[cli][simulate][fixed]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path board = dir.write("cramped.xml", cramped_board);
    const fs::path out = dir.path() / "out";
    fs::create_directories(out);
    SECTION("a board too small") {
        const run_result r = run("simulate --backend fixed --board " + quoted(board.string()) +
                                 " " + quoted(model.string()) + " -o " + quoted(out.string()));
        INFO(r.output);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains("board cramped's cores hold 2"));
    }
    SECTION("an unknown board") {
        const run_result r = run("simulate --backend fixed --board nosuch " +
                                 quoted(model.string()) + " -o " + quoted(out.string()));
        INFO(r.output);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.output, Catch::Contains("bss2, spinn5, tiny"));
    }
    CHECK(entries_of(out).empty());
}
