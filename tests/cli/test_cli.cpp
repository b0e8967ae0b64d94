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

// ---- board images: map, inspect, run -----------------------------------------------------------

namespace {

// A 2 x 2 mesh of one application core per chip: good_model's three cores take three chips.
const std::string spread_board = R"(<board name="spread" time_step="1 ms">
  <chips width="2" height="2" topology="mesh" cores="2" application_cores="1" router_entries="64"
         link_bandwidth="1000000"/>
  <core neurons="16" state_words_per_neuron="8" state_memory_words="128" synaptic_memory_bytes="4096"
        program_words="64" constant_words="32" lookup_table_words="64" weight_bits="8"
        weight_signed="true" delay_slots="8" input_channels="2"/>
</board>
)";

// One chip of one core: good_model's three cores do not fit.
const std::string single_core_board = R"(<board name="single" time_step="1 ms">
  <chips width="1" height="1" topology="mesh" cores="1" router_entries="64" link_bandwidth="1000"/>
  <core neurons="256" state_words_per_neuron="32" state_memory_words="8192"
        synaptic_memory_bytes="1000000" program_words="1024" constant_words="1024"
        lookup_table_words="2048" weight_bits="16" delay_slots="16" input_channels="2"/>
</board>
)";

std::vector<std::uint32_t> words_of(const fs::path& file) {
    const std::string bytes = read_text(file);
    std::vector<std::uint32_t> words(bytes.size() / 4);
    for (std::size_t w = 0; w < words.size(); ++w) {
        for (int b = 0; b < 4; ++b) {
            words[w] |= std::uint32_t{static_cast<unsigned char>(
                            bytes[4 * w + static_cast<std::size_t>(b)])}
                        << (8 * b);
        }
    }
    return words;
}

void write_words(const fs::path& file, const std::vector<std::uint32_t>& words) {
    std::string bytes;
    for (const std::uint32_t w : words) {
        for (int b = 0; b < 4; ++b) {
            bytes += static_cast<char>((w >> (8 * b)) & 0xFFu);
        }
    }
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// CRC-32 as zlib computes it, of the words' little-endian bytes.
std::uint32_t crc32_of(const std::uint32_t* words, std::size_t count) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t w = 0; w < count; ++w) {
        for (int b = 0; b < 4; ++b) {
            c ^= (words[w] >> (8 * b)) & 0xFFu;
            for (int k = 0; k < 8; ++k) {
                c = (c & 1u) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
        }
    }
    return c ^ 0xFFFFFFFFu;
}

// Where each section of an image starts (docs/image-format.md: a 6-word header, then sections of
// a 4-word header and their payload).
std::vector<std::size_t> sections_of(const std::vector<std::uint32_t>& words) {
    std::vector<std::size_t> starts;
    std::size_t at = 6;
    for (std::uint32_t s = 0; s < words.at(3); ++s) {
        starts.push_back(at);
        at += 4 + words.at(at + 1);
    }
    return starts;
}

// An image of good_model on `board`, written by `spikeforge map`.
fs::path mapped_image(const temp_folder& dir, const std::string& board = "tiny") {
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path image = dir.path() / "net.sfimg";
    const run_result r = run("map " + quoted(model.string()) + " --board " + quoted(board) +
                             " -o " + quoted(image.string()));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    return image;
}

} // namespace

TEST_CASE("cli: --help lists map, inspect and run", "[cli][help][image]") {
    const run_result r = run("--help");
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::Contains("map"));
    CHECK_THAT(r.output, Catch::Contains("inspect"));
    CHECK_THAT(r.output, Catch::Contains("run"));
    const run_result m = run("map --help");
    CHECK(m.exit_code == 0);
    CHECK_THAT(m.output, Catch::Contains("--board"));
    CHECK_THAT(m.output, Catch::Contains("--out"));
    const run_result x = run("run --help");
    CHECK(x.exit_code == 0);
    CHECK_THAT(x.output, Catch::Contains("--target"));
    CHECK_THAT(x.output, Catch::Contains("functional|systemc"));
    CHECK_THAT(x.output, Catch::Contains("--real-time-check"));
}

TEST_CASE("cli: map writes a board image and prints how the model was mapped", "[cli][map]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path board = dir.write("spread.xml", spread_board);
    const fs::path image = dir.path() / "images" / "net.sfimg";
    const run_result r = run("map " + quoted(model.string()) + " --board " +
                             quoted(board.string()) + " -o " + quoted(image.string()));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::StartsWith("board spread: 3 of 4 application cores on 3 chips\n"));
    CHECK_THAT(r.output, Catch::Contains(
                             "cores (chip, core: population, neurons, synapses, synaptic bytes):"));
    CHECK_THAT(r.output, Catch::Contains(": post[0..1] neurons 0..1, 2 synapses, "));
    CHECK_THAT(r.output, Catch::Contains(
                             "routing tables (chip: entries before -> after compression, limit):"));
    CHECK_THAT(r.output, Catch::Contains("  all chips: "));
    CHECK_THAT(r.output,
               Catch::Contains("link load (packets per step if every neuron fires at 1 Hz):"));
    CHECK_THAT(r.output, Catch::Contains(" links carry packets, "));
    CHECK_THAT(r.output, Catch::Contains("quantisation:\n  pre[0] (iaf): "));
    REQUIRE(fs::is_regular_file(image));
    const auto bytes = fs::file_size(image);
    CHECK_THAT(r.output, Catch::EndsWith("wrote " + image.string() + " (" + std::to_string(bytes) +
                                         " bytes)\n"));
    CHECK(read_text(image).substr(0, 4) == "SFIM");
    CHECK(bytes % 4 == 0);
    CHECK(sorted_entries(dir.path()) ==
          std::vector<std::string>{"images", "images/net.sfimg", "model.xml", "spread.xml"});
}

TEST_CASE("cli: map onto \"NAME x auto\" joins as many boards as the model needs", "[cli][map]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path board = dir.write("single.xml", single_core_board);
    const fs::path image = dir.path() / "net.sfimg";
    const run_result r = run("map " + quoted(model.string()) + " --board " +
                             quoted(board.string() + " x auto") + " -o " + quoted(image.string()));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output,
               Catch::StartsWith("board single x 3: 3 of 3 application cores on 3 chips\n"));
    CHECK(fs::is_regular_file(image));
}

TEST_CASE("cli: inspect summarises a board image", "[cli][inspect]") {
    temp_folder dir;
    const fs::path image = mapped_image(dir);
    const run_result r = run("inspect " + quoted(image.string()));
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.output,
               Catch::StartsWith(image.string() +
                                 ": board tiny (2 x 2 chips), time step 0.05 ms, 1200 steps\n"));
    CHECK_THAT(r.output,
               Catch::Contains("3 cores, 5 neurons, 2 synapses, 4 chips, 2 routing entries, " +
                               std::to_string(fs::file_size(image)) +
                               " bytes; every section's checksum holds\n"));
    CHECK_THAT(r.output,
               Catch::Contains("\nas mapped:\nboard tiny: 3 of 12 application cores on "));
    CHECK_THAT(r.output, Catch::Contains(
                             "routing tables (chip: entries before -> after compression, limit):"));
}

TEST_CASE("cli: inspect and run of a damaged image exit 2 naming the word and section",
          "[cli][inspect]") {
    temp_folder dir;
    const fs::path image = mapped_image(dir);
    std::vector<std::uint32_t> words = words_of(image);
    const std::vector<std::size_t> starts = sections_of(words);
    // The sections: machine, 4 chips, 3 cores, recording, report.
    REQUIRE(starts.size() == 10);
    const std::size_t core = starts[5];
    REQUIRE(words[core] == 3);
    std::string expected;
    SECTION("a word changed without its checksum") {
        words[core + 4 + 5] ^= 1u;
        expected = image.string() + ": word " + std::to_string(core + 3) +
                   ", section 5 (core 0): a section's checksum does not match";
    }
    SECTION("the header's checksum") {
        words[4] = 1;
        expected =
            image.string() + ": word 5, section 0 (header): the header's checksum does not match";
    }
    SECTION("a core's delay slots out of range, its checksum recomputed") {
        words[core + 4 + 8] = 3;
        words[core + 3] = crc32_of(words.data() + core + 4, words[core + 1]);
        expected = image.string() + ": word ";
    }
    write_words(image, words);
    const run_result r = run("inspect " + quoted(image.string()));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::StartsWith("spikeforge inspect: " + expected));
    if (words[core + 4 + 8] == 3) {
        CHECK_THAT(
            r.output,
            Catch::Contains(", section 5 (core 0): a field outside its range (delay slots)\n"));
    }
    CHECK_THAT(r.output, !Catch::Contains("every section's checksum holds"));
    const fs::path out = dir.path() / "out";
    const run_result x = run("run " + quoted(image.string()) + " -o " + quoted(out.string()));
    INFO(x.output);
    CHECK(x.exit_code == 2);
    CHECK_THAT(x.output,
               Catch::StartsWith("spikeforge run: " + image.string() + ": the image is refused: "));
    CHECK_THAT(x.output, Catch::Contains("in section "));
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("cli: inspect refuses a file that is not whole words", "[cli][inspect]") {
    temp_folder dir;
    const fs::path image = mapped_image(dir);
    std::ofstream(image, std::ios::binary | std::ios::app) << "xy";
    const run_result r = run("inspect " + quoted(image.string()));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output,
               Catch::Contains("bytes, not a whole number of 32-bit words: not a board image"));
}

TEST_CASE("cli: run of an image writes the model's output files, as simulate --backend fixed does",
          "[cli][run]") {
    temp_folder dir;
    const fs::path image = mapped_image(dir);
    const fs::path out = dir.path() / "functional";
    const run_result r = run("run " + quoted(image.string()) + " -o " + quoted(out.string()));
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output,
               Catch::StartsWith("ran " + image.string() +
                                 " on the functional emulator: 1200 steps, 3 cores on 4 chips, "));
    CHECK_THAT(r.output, Catch::Contains("\nrouters: "));
    CHECK_THAT(r.output, Catch::Contains(" 0 dropped, "));
    CHECK_THAT(r.output, Catch::Contains("; 0 keys no master table took, 0 looped, "));
    CHECK_THAT(r.output, Catch::Contains("program faults 0\n"));
    CHECK_THAT(r.output, Catch::Contains("wrote " + (out / "volts.dat").string() + "\n"));
    CHECK_THAT(r.output, Catch::Contains("wrote " + (out / "spikes.dat").string() + "\n"));
    CHECK_THAT(r.output, !Catch::Contains("warning"));
    CHECK(sorted_entries(out) == std::vector<std::string>{"spikes.dat", "volts.dat"});

    const fs::path model = dir.path() / "model.xml";
    const fs::path fixed = dir.path() / "fixed";
    const run_result f = run("simulate --backend fixed --board tiny " + quoted(model.string()) +
                             " -o " + quoted(fixed.string()));
    INFO(f.output);
    REQUIRE(f.exit_code == 0);
    for (const char* name : {"volts.dat", "spikes.dat"}) {
        INFO(name);
        CHECK(read_text(out / name) == read_text(fixed / name));
    }
    CHECK_FALSE(read_text(out / "spikes.dat").empty());
}

TEST_CASE("cli: run of a model maps it on the fly and writes beside it", "[cli][run]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const run_result r = run("run " + quoted(model.string()) + " --board tiny");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.output, Catch::StartsWith("ran " + model.string() +
                                           " on the functional emulator: 1200 steps, "));
    CHECK(sorted_entries(dir.path()) ==
          std::vector<std::string>{"model.xml", "spikes.dat", "volts.dat"});
    // The same files as from the image `map` writes.
    const fs::path image = dir.path() / "net.sfimg";
    REQUIRE(run("map " + quoted(model.string()) + " --board tiny -o " + quoted(image.string()))
                .exit_code == 0);
    const fs::path out = dir.path() / "out";
    REQUIRE(run("run " + quoted(image.string()) + " -o " + quoted(out.string())).exit_code == 0);
    for (const char* name : {"volts.dat", "spikes.dat"}) {
        INFO(name);
        CHECK(read_text(out / name) == read_text(dir.path() / name));
    }
}

TEST_CASE("cli: run with target nonsense exits with 2", "[cli][run]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path out = dir.path() / "out";
    const run_result r = run("run " + quoted(model.string()) +
                             " --board tiny --target nonsense -o " + quoted(out.string()));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(
        r.output,
        Catch::Contains(
            "spikeforge run: unknown target 'nonsense' (available: functional, systemc, rtl)"));
    CHECK_FALSE(fs::exists(out));
    CHECK(sorted_entries(dir.path()) == std::vector<std::string>{"model.xml"});
}

TEST_CASE("cli: a model that does not fit the board exits with 2 and writes no image",
          "[cli][map][run]") {
    temp_folder dir;
    const fs::path model = dir.write("model.xml", good_model);
    const fs::path image = dir.path() / "net.sfimg";
    fs::path board;
    std::string says;
    SECTION("its neurons need more state words than a core gives") {
        board = dir.write("cramped.xml", cramped_board);
        says = "board cramped's cores hold 2";
    }
    SECTION("its cores are more than the board has") {
        board = dir.write("single.xml", single_core_board);
        says = "spikeforge: placement: 3 slices need 3 application cores, one each, but board "
               "'single' has 1";
    }
    SECTION("an unknown board") {
        board = "nosuch";
        says = "bss2, spinn5, tiny";
    }
    const std::vector<std::string> before = sorted_entries(dir.path());
    const run_result r = run("map " + quoted(model.string()) + " --board " +
                             quoted(board.string()) + " -o " + quoted(image.string()));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Catch::Contains(says));
    CHECK_THAT(r.output, !Catch::Contains("wrote"));
    CHECK_FALSE(fs::exists(image));
    CHECK_FALSE(fs::exists(image.string() + ".partial"));
    const fs::path out = dir.path() / "out";
    const run_result x = run("run " + quoted(model.string()) + " --board " +
                             quoted(board.string()) + " -o " + quoted(out.string()));
    INFO(x.output);
    CHECK(x.exit_code == 2);
    CHECK_THAT(x.output, Catch::Contains(says));
    CHECK_FALSE(fs::exists(out));
    CHECK(sorted_entries(dir.path()) == before);
}
