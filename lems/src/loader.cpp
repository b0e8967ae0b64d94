#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <sf/lems/loader.hpp>

#include "network_check.hpp"
#include "resolve.hpp"
#include "type_reader.hpp"
#include "xml_source.hpp"

namespace sf::lems {
namespace fs = std::filesystem;

fs::path builtin_core_types_dir() {
    if (const char* env = std::getenv("SPIKEFORGE_CORETYPES"); env != nullptr && *env != '\0') {
        return env;
    }
    const fs::path source_dir = SF_CORETYPES_SOURCE_DIR;
    if (fs::exists(source_dir)) {
        return source_dir;
    }
    return SF_CORETYPES_INSTALL_DIR;
}

namespace {

bool is_namespace_attribute(std::string_view name) {
    return name == "xmlns" || name.find(':') != std::string_view::npos;
}

// Reading and resolving follow the nesting of elements by recursion, so a file nested absurdly
// deep would overflow the stack; no LEMS or NeuroML document comes near this depth.
constexpr int max_nesting_depth = 256;

// The first node below `root` nested deeper than max_nesting_depth, or an empty node. Iterative,
// as the point is not to recurse.
pugi::xml_node first_too_deep(const pugi::xml_node& root) {
    pugi::xml_node node = root;
    int depth = 1;
    for (;;) {
        if (depth > max_nesting_depth) {
            return node;
        }
        if (const pugi::xml_node child = node.first_child()) {
            node = child;
            ++depth;
            continue;
        }
        while (node != root && !node.next_sibling()) {
            node = node.parent();
            --depth;
        }
        if (node == root) {
            return {};
        }
        node = node.next_sibling();
    }
}

// Reads files into a model, following includes; resolution happens once everything is read.
class file_reader {
public:
    file_reader(const load_options& options, diagnostics& problems) : problems_(problems) {
        search_path_ = options.include_paths;
        if (options.builtin_core_types) {
            search_path_.push_back(builtin_core_types_dir());
        }
    }

    void read_top_level(const fs::path& file) {
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(file, ec);
        if (!fs::is_regular_file(file)) {
            problems_.add(parse_error{source_location{file.string(), 0}, "", "cannot open file"});
            return;
        }
        read_file(ec ? file : canonical, source_location{});
    }

    model take() { return std::move(model_); }

    // Where each of the model's targets was written, in the order of model::targets.
    const std::vector<source_location>& target_locations() const { return target_locations_; }

private:
    void read_file(const fs::path& file, const source_location& included_from) {
        // A file still being read is checked before the files already read: it is in both, and
        // including it again is a cycle rather than a harmless second include.
        for (const fs::path& open : stack_) {
            if (open == file) {
                std::string chain;
                for (const fs::path& p : stack_) {
                    chain += p.filename().string() + " -> ";
                }
                problems_.add(parse_error{included_from, "Include",
                                          "include cycle: " + chain + file.filename().string()});
                return;
            }
        }
        if (loaded_.count(file) != 0) {
            return; // already read through another include: LEMS reads every file once
        }
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            problems_.add(parse_error{included_from, "Include", "cannot read " + file.string()});
            return;
        }
        // Read in one piece: files of large networks run to gigabytes.
        in.seekg(0, std::ios::end);
        std::string text(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
        in.seekg(0, std::ios::beg);
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        auto source = std::make_unique<xml_source>(file, std::move(text));
        if (auto failure = source->parse()) {
            problems_.add(*failure);
            return;
        }
        if (const pugi::xml_node deep = first_too_deep(source->document().document_element())) {
            problems_.add(parse_error{source->locate(deep), deep.name(),
                                      "elements are nested more than " +
                                          std::to_string(max_nesting_depth) + " deep"});
            return;
        }
        loaded_.insert(file);
        stack_.push_back(file);
        model_.files.push_back(file.string());
        read_root(*source);
        stack_.pop_back();
    }

    struct found_include {
        fs::path path;
        bool library = false; // found through the include path rather than beside the includer
    };

    std::optional<found_include> find_include(const std::string& name, const fs::path& from) const {
        const fs::path relative = fs::path(name);
        std::vector<found_include> candidates;
        if (relative.is_absolute()) {
            candidates.push_back({relative, false});
        } else {
            candidates.push_back({from.parent_path() / relative, false});
            for (const fs::path& dir : search_path_) {
                candidates.push_back({dir / relative, true});
            }
        }
        for (found_include& candidate : candidates) {
            if (fs::is_regular_file(candidate.path)) {
                std::error_code ec;
                const fs::path canonical = fs::weakly_canonical(candidate.path, ec);
                if (!ec) {
                    candidate.path = canonical;
                }
                return candidate;
            }
        }
        return std::nullopt;
    }

    void include(const xml_source& source, const pugi::xml_node& node, const char* attribute) {
        const std::string name = node.attribute(attribute).as_string();
        const source_location where = source.locate(node);
        if (name.empty()) {
            problems_.add(parse_error{where, node.name(),
                                      std::string("missing attribute '") + attribute + "'"});
            return;
        }
        if (auto found = find_include(name, source.path())) {
            if (found->library && loaded_.count(found->path) == 0) {
                model_.library_files.push_back(found->path.string());
            }
            read_file(found->path, where);
            return;
        }
        std::string searched = source.path().parent_path().string();
        for (const fs::path& dir : search_path_) {
            searched += ", " + dir.string();
        }
        problems_.add(
            parse_error{where, node.name(),
                        "included file '" + name + "' not found (searched " + searched + ")"});
    }

    void read_root(const xml_source& source) {
        const pugi::xml_node root = source.document().document_element();
        const std::string root_name = root.name();
        if (root_name != "Lems" && root_name != "neuroml") {
            problems_.add(parse_error{source.locate(root), root_name,
                                      "expected a <Lems> or <neuroml> document"});
            return;
        }
        if (root_name == "neuroml" && stack_.size() == 1) {
            // A NeuroML document given on its own means the NeuroML2 core types, as NeuroML tools
            // assume; a LEMS file that includes it brings them itself.
            for (const char* library :
                 {"Cells.xml", "Networks.xml", "PyNN.xml", "Simulation.xml"}) {
                if (auto found = find_include(library, source.path())) {
                    if (found->library && loaded_.count(found->path) == 0) {
                        model_.library_files.push_back(found->path.string());
                    }
                    read_file(found->path, source.locate(root));
                }
            }
        }
        for (const pugi::xml_node& node : root.children()) {
            if (node.type() != pugi::node_element) {
                continue;
            }
            const std::string tag = node.name();
            if (tag == "Include") {
                include(source, node, "file");
            } else if (tag == "include") {
                include(source, node, node.attribute("href") ? "href" : "file");
            } else if (tag == "Dimension") {
                read_dimension(source, node);
            } else if (tag == "Unit") {
                read_unit(source, node);
            } else if (tag == "ComponentType") {
                if (auto type = read_component_type(source, node, problems_)) {
                    model_.types.push_back(std::move(type));
                }
            } else if (tag == "Target") {
                const std::string target = node.attribute("component").as_string();
                if (target.empty()) {
                    problems_.add(parse_error{source.locate(node), "Target",
                                              "missing attribute 'component'"});
                    continue;
                }
                model_.targets.push_back(target);
                target_locations_.push_back(source.locate(node));
            } else if (tag == "Assertion" || tag == "Constant") {
                // Model-level assertions and constants carry no simulation semantics.
            } else {
                model_.components.push_back(read_component(source, node, nullptr));
            }
        }
    }

    void read_dimension(const xml_source& source, const pugi::xml_node& node) {
        static constexpr const char* base_names[] = {"m", "l", "t", "i", "k", "n", "j"};
        dimension dim;
        for (std::size_t i = 0; i < 7; ++i) {
            dim.exponents[i] = node.attribute(base_names[i]).as_int(0);
        }
        try {
            model_.units.add_dimension(node.attribute("name").as_string(), dim);
        } catch (const expression_error& e) {
            problems_.add(parse_error{source.locate(node), "Dimension", e.what()});
        }
    }

    void read_unit(const xml_source& source, const pugi::xml_node& node) {
        unit u;
        u.symbol = node.attribute("symbol").as_string();
        u.dimension_name = node.attribute("dimension").as_string();
        u.power10 = node.attribute("power").as_int(0);
        u.scale = node.attribute("scale").as_double(1.0);
        u.offset = node.attribute("offset").as_double(0.0);
        const dimension* dim = model_.units.find_dimension(u.dimension_name);
        if (dim == nullptr) {
            problems_.add(parse_error{source.locate(node), "Unit " + u.symbol,
                                      "unknown dimension '" + u.dimension_name + "'"});
            return;
        }
        u.dim = *dim;
        try {
            model_.units.add_unit(u);
        } catch (const expression_error& e) {
            problems_.add(parse_error{source.locate(node), "Unit " + u.symbol, e.what()});
        }
    }

    std::unique_ptr<component> read_component(const xml_source& source, const pugi::xml_node& node,
                                              component* parent) {
        auto result = std::make_unique<component>();
        result->element = node.name();
        result->where = source.locate(node);
        result->parent = parent;
        for (const pugi::xml_attribute& attribute : node.attributes()) {
            const std::string name = attribute.name();
            if (name == "id") {
                result->id = attribute.value();
            } else if (name == "type") {
                result->type_name = attribute.value();
            } else if (name == "extends") {
                result->prototype = attribute.value();
            } else if (!is_namespace_attribute(name)) {
                result->attributes.emplace_back(name, attribute.value());
            }
        }
        for (const pugi::xml_node& child : node.children()) {
            if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
                result->body += child.value();
            } else if (child.type() == pugi::node_element) {
                result->children.push_back(read_component(source, child, result.get()));
            }
        }
        return result;
    }

    diagnostics& problems_;
    std::vector<fs::path> search_path_;
    std::set<fs::path> loaded_;
    std::vector<fs::path> stack_;
    std::vector<source_location> target_locations_;
    model model_;
};

} // namespace

model load_model(const std::vector<fs::path>& files, const load_options& options,
                 diagnostics& problems) {
    file_reader reader(options, problems);
    for (const fs::path& file : files) {
        reader.read_top_level(file);
    }
    model result = reader.take();
    resolve_model(result, problems);
    check_networks(result, problems);
    // Checked here rather than in resolution, which does not know where each <Target> was written.
    for (std::size_t k = 0; k < result.targets.size(); ++k) {
        if (result.find_component(result.targets[k]) == nullptr) {
            problems.add(
                parse_error{reader.target_locations()[k], "Target",
                            "target component '" + result.targets[k] + "' is not defined"});
        }
    }
    return result;
}

model load_model(const std::vector<fs::path>& files, const load_options& options) {
    diagnostics problems;
    model result = load_model(files, options, problems);
    problems.throw_if_any();
    return result;
}

} // namespace sf::lems
