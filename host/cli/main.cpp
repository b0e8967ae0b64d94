// spikeforge: the command-line entry point. Exit codes: 0 success, 1 the job failed,
// 2 bad input or usage.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <sf/lems/loader.hpp>
#include <sf/lems/model_info.hpp>
#include <sf/lems/simulator.hpp>

namespace {

namespace fs = std::filesystem;

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_bad_input = 2;

struct model_arguments {
    std::vector<std::string> files;
    std::vector<std::string> include_paths;
    bool no_builtin_core_types = false;

    void add_to(CLI::App& command, bool many_files) {
        if (many_files) {
            command.add_option("files", files, "LEMS or NeuroML2 files")->required()->check(CLI::ExistingFile);
        } else {
            command.add_option("file", files, "LEMS file with a <Simulation> and a <Target>")
                ->required()
                ->expected(1)
                ->check(CLI::ExistingFile);
        }
        command.add_option("-I,--include-path", include_paths,
                           "folder searched for <Include> files (before the built-in NeuroML2 core types)")
            ->check(CLI::ExistingDirectory);
        command.add_flag("--no-builtin-coretypes", no_builtin_core_types,
                         "do not search the built-in NeuroML2 core type definitions");
    }

    sf::lems::load_options options() const {
        sf::lems::load_options result;
        for (const auto& path : include_paths) {
            result.include_paths.emplace_back(path);
        }
        result.builtin_core_types = !no_builtin_core_types;
        return result;
    }

    std::vector<fs::path> paths() const { return {files.begin(), files.end()}; }
};

void print_warnings(const sf::lems::diagnostics& problems) {
    for (const auto& warning : problems.warnings()) {
        std::cerr << "warning: " << warning.what() << "\n";
    }
}

void print_problems(const sf::lems::diagnostics& problems) {
    print_warnings(problems);
    for (const auto& problem : problems.problems()) {
        std::cerr << problem.what() << "\n";
    }
    std::cerr << problems.size() << (problems.size() == 1 ? " problem" : " problems") << " found\n";
}

int run_validate(const model_arguments& args) {
    sf::lems::diagnostics problems;
    const sf::lems::model model = sf::lems::load_model(args.paths(), args.options(), problems);
    if (problems.empty() && !model.targets.empty()) {
        try {
            sf::lems::check_simulation(model);
        } catch (const sf::lems::parse_error& e) {
            problems.add(e);
        }
    }
    if (!problems.empty()) {
        print_problems(problems);
        return exit_bad_input;
    }
    print_warnings(problems);
    std::cout << "valid: " << model.files.size() << " files, " << model.types.size() << " component types, "
              << model.components.size() << " top-level components\n";
    return exit_ok;
}

int run_info(const model_arguments& args) {
    sf::lems::diagnostics problems;
    const sf::lems::model model = sf::lems::load_model(args.paths(), args.options(), problems);
    if (!problems.empty()) {
        print_problems(problems);
        return exit_bad_input;
    }
    std::cout << sf::lems::describe_model(model);
    return exit_ok;
}

int run_simulate(const model_arguments& args, const std::string& out_dir, const std::string& backend,
                 bool reference_order, const std::string& native) {
    if (backend != "float") {
        std::cerr << "spikeforge simulate: unknown backend '" << backend << "' (available: float)\n";
        return exit_bad_input;
    }
    sf::lems::diagnostics problems;
    const sf::lems::model model = sf::lems::load_model(args.paths(), args.options(), problems);
    if (!problems.empty()) {
        print_problems(problems);
        return exit_bad_input;
    }
    sf::lems::simulation_options options;
    options.output_dir = out_dir;
    options.reference_order = reference_order;
    options.native = native == "always"  ? sf::lems::simulation_options::native_code::always
                     : native == "never" ? sf::lems::simulation_options::native_code::never
                                         : sf::lems::simulation_options::native_code::automatic;
    const sf::lems::simulation_summary summary = sf::lems::simulate(model, options);
    std::cout << "simulation " << summary.simulation_id << " of " << summary.target_id << ": " << summary.steps
              << " steps of " << summary.step * 1e3 << " ms, " << summary.instances << " instances, "
              << summary.events_sent << " events sent, " << summary.events_delivered << " delivered\n"
              << "build " << summary.build_seconds << " s, run " << summary.run_seconds << " s, "
              << summary.execution << "\n";
    for (const auto& file : summary.files_written) {
        std::cout << "wrote " << file.string() << "\n";
    }
    return exit_ok;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"spikeforge: NeuroML2/LEMS networks on neuromorphic hardware"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "spikeforge 0.1.0");

    model_arguments validate_args;
    CLI::App* validate = app.add_subcommand("validate", "check models and report every problem found");
    validate_args.add_to(*validate, true);

    model_arguments info_args;
    CLI::App* info = app.add_subcommand("info", "summarise a model: types, populations, projections, inputs");
    info_args.add_to(*info, true);

    model_arguments simulate_args;
    std::string out_dir;
    std::string backend = "float";
    CLI::App* simulate = app.add_subcommand("simulate", "run a LEMS Simulation and write its output files");
    simulate_args.add_to(*simulate, false);
    simulate->add_option("-o,--out", out_dir, "folder for output files (default: beside the LEMS file)");
    simulate->add_option("--backend", backend, "float: double-precision reference simulator")
        ->capture_default_str();
    bool reference_order = false;
    std::string native = "auto";
    simulate->add_option("--native-code", native,
                         "auto: compile population groups with the system C++ compiler when the run "
                         "is long enough; always; never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    simulate->add_flag("--reference-order", reference_order,
                       "advance instances one at a time in the reference simulator's order and keep "
                       "every synapse separate (same results, slower)");

    if (argc > 1 && argv[1][0] != '-') {
        const std::string command = argv[1];
        bool known = false;
        std::string names;
        for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
            known = known || sub->get_name() == command;
            names += (names.empty() ? "" : ", ") + sub->get_name();
        }
        if (!known) {
            std::cerr << "spikeforge: unknown command '" << command << "' (commands: " << names << ")\n";
            return exit_bad_input;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_bad_input;
    }

    try {
        if (validate->parsed()) {
            return run_validate(validate_args);
        }
        if (info->parsed()) {
            return run_info(info_args);
        }
        if (simulate->parsed()) {
            return run_simulate(simulate_args, out_dir, backend, reference_order, native);
        }
    } catch (const sf::lems::parse_error& e) {
        std::cerr << e.what() << "\n";
        return exit_bad_input;
    } catch (const sf::error& e) {
        std::cerr << "spikeforge: " << e.what() << "\n";
        return exit_failed;
    } catch (const std::exception& e) {
        std::cerr << "spikeforge: " << e.what() << "\n";
        return exit_failed;
    }
    return exit_bad_input;
}
