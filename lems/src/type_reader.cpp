#include <string>

#include "type_reader.hpp"

namespace sf::lems {
namespace {

// Reads the members of one <ComponentType>, reporting each problem with its line.
class type_reader {
public:
    type_reader(const xml_source& source, diagnostics& problems)
        : source_(source), problems_(problems) {}

    std::unique_ptr<component_type> read(const pugi::xml_node& node) {
        auto type = std::make_unique<component_type>();
        type->name = node.attribute("name").as_string();
        type->extends = node.attribute("extends").as_string();
        type->where = source_.locate(node);
        context_ = "ComponentType " + type->name;
        if (type->name.empty()) {
            report(node, "missing attribute 'name'");
            return nullptr;
        }
        for (const pugi::xml_node& member : node.children()) {
            read_member(*type, member);
        }
        return type;
    }

private:
    void report(const pugi::xml_node& node, const std::string& message) {
        problems_.add(
            parse_error{source_.locate(node), context_ + ": <" + node.name() + ">", message});
    }

    std::string required(const pugi::xml_node& node, const char* attribute) {
        const pugi::xml_attribute value = node.attribute(attribute);
        if (!value) {
            report(node, std::string("missing attribute '") + attribute + "'");
            return {};
        }
        return value.as_string();
    }

    std::optional<expression> parse_expression(const pugi::xml_node& node, const char* attribute,
                                               bool must_exist = true) {
        const pugi::xml_attribute value = node.attribute(attribute);
        if (!value) {
            if (must_exist) {
                report(node, std::string("missing attribute '") + attribute + "'");
            }
            return std::nullopt;
        }
        try {
            return expression::parse(value.as_string());
        } catch (const expression_error& e) {
            report(node,
                   std::string("in ") + attribute + "=\"" + value.as_string() + "\": " + e.what());
            return std::nullopt;
        }
    }

    dimensioned_name named(const pugi::xml_node& node, const char* missing_dimension = "none") {
        dimensioned_name result;
        result.name = required(node, "name");
        result.dimension_name = node.attribute("dimension").as_string(missing_dimension);
        result.where = source_.locate(node);
        return result;
    }

    reference_decl reference(const pugi::xml_node& node) {
        reference_decl result;
        result.name = required(node, "name");
        result.type = node.attribute("type").as_string();
        result.local = node.attribute("local").as_bool(false);
        result.where = source_.locate(node);
        return result;
    }

    child_decl child(const pugi::xml_node& node, bool multiple) {
        child_decl result;
        result.name = required(node, "name");
        result.type = required(node, "type");
        result.multiple = multiple;
        result.where = source_.locate(node);
        return result;
    }

    void read_member(component_type& type, const pugi::xml_node& node) {
        if (node.type() != pugi::node_element) {
            return;
        }
        const std::string tag = node.name();
        if (tag == "About" || tag == "Meta") {
            return; // documentation only
        }
        if (!read_declaration(type, node, tag) && !read_block(type, node, tag)) {
            report(node,
                   "unknown element in a ComponentType (expected Parameter, DerivedParameter, "
                   "Constant, Exposure, Requirement, Property, IndexParameter, Text, Path, "
                   "ComponentReference, Link, Child, Children, Attachments, EventPort, Fixed, "
                   "Dynamics, Structure or Simulation)");
        }
    }

    // A declaration of one member: a parameter, a port, a child...; false for any other tag.
    bool read_declaration(component_type& type, const pugi::xml_node& node,
                          const std::string& tag) {
        if (tag == "Parameter") {
            type.parameters.push_back(named(node));
        } else if (tag == "DerivedParameter") {
            derived_parameter_decl decl{named(node), std::nullopt,
                                        node.attribute("select").as_string()};
            if (decl.select.empty()) {
                decl.value = parse_expression(node, "value");
            }
            type.derived_parameters.push_back(std::move(decl));
        } else if (tag == "Constant") {
            type.constants.push_back({named(node), required(node, "value"), 0.0});
        } else if (tag == "Exposure") {
            type.exposures.push_back(named(node));
        } else if (tag == "Requirement") {
            type.requirements.push_back(named(node));
        } else if (tag == "Property") {
            property_decl decl{named(node), std::nullopt};
            if (const auto value = node.attribute("defaultValue")) {
                decl.default_value = value.as_double();
            }
            type.properties.push_back(std::move(decl));
        } else if (tag == "IndexParameter") {
            type.index_parameters.push_back(required(node, "name"));
        } else if (tag == "Text") {
            type.texts.push_back(required(node, "name"));
        } else if (tag == "Path") {
            type.paths.push_back(required(node, "name"));
        } else if (tag == "ComponentReference") {
            type.component_references.push_back(reference(node));
        } else if (tag == "Link") {
            type.links.push_back(reference(node));
        } else if (tag == "ComponentRequirement") {
            type.component_requirements.push_back(required(node, "name"));
        } else if (tag == "InstanceRequirement") {
            type.instance_requirements.push_back(required(node, "name"));
        } else if (tag == "Child") {
            type.children.push_back(child(node, false));
        } else if (tag == "Children") {
            type.children.push_back(child(node, true));
        } else if (tag == "Attachments") {
            type.attachments.push_back(child(node, true));
        } else if (tag == "EventPort") {
            const std::string direction = node.attribute("direction").as_string();
            if (direction != "in" && direction != "out") {
                report(node, "direction must be 'in' or 'out', not '" + direction + "'");
            }
            type.event_ports.push_back(
                {required(node, "name"), direction == "in", source_.locate(node)});
        } else if (tag == "Fixed") {
            type.fixeds.push_back(
                {required(node, "parameter"), required(node, "value"), source_.locate(node)});
        } else {
            return false;
        }
        return true;
    }

    // A block of members: the dynamics, the structure, the simulation; false for any other tag.
    bool read_block(component_type& type, const pugi::xml_node& node, const std::string& tag) {
        if (tag == "Dynamics" || tag == "Behavior" || tag == "Behaviour") {
            type.dynamics = read_dynamics(node);
        } else if (tag == "Structure") {
            for (const pugi::xml_node& element : node.children()) {
                if (element.type() == pugi::node_element) {
                    if (auto decl = read_structure(element)) {
                        type.structure.push_back(std::move(*decl));
                    }
                }
            }
        } else if (tag == "Simulation") {
            for (const pugi::xml_node& element : node.children()) {
                if (element.type() == pugi::node_element) {
                    if (auto decl = read_simulation(element)) {
                        type.simulation.push_back(std::move(*decl));
                    }
                }
            }
        } else {
            return false;
        }
        return true;
    }

    std::vector<action_decl> read_actions(const pugi::xml_node& block) {
        std::vector<action_decl> actions;
        for (const pugi::xml_node& node : block.children()) {
            if (node.type() != pugi::node_element) {
                continue;
            }
            const std::string tag = node.name();
            action_decl action;
            action.where = source_.locate(node);
            if (tag == "StateAssignment") {
                action.kind = action_kind::assign;
                action.target = required(node, "variable");
                action.value = parse_expression(node, "value");
                if (!action.value) {
                    continue;
                }
            } else if (tag == "EventOut") {
                action.kind = action_kind::event_out;
                action.target = required(node, "port");
            } else if (tag == "Transition") {
                action.kind = action_kind::transition;
                action.target = required(node, "regime");
            } else {
                report(node, "unknown action (expected StateAssignment, EventOut or Transition)");
                continue;
            }
            actions.push_back(std::move(action));
        }
        return actions;
    }

    std::optional<on_condition_decl> read_on_condition(const pugi::xml_node& node) {
        auto test = parse_expression(node, "test");
        if (!test) {
            return std::nullopt;
        }
        if (!test->is_boolean()) {
            report(node,
                   "test=\"" + test->text() + "\" is not a condition (expected a comparison)");
            return std::nullopt;
        }
        return on_condition_decl{std::move(*test), read_actions(node), source_.locate(node)};
    }

    std::optional<derived_variable_decl> read_derived(const pugi::xml_node& node) {
        derived_variable_decl decl;
        decl.decl = named(node, ""); // without a dimension it takes its exposure's
        decl.exposure = node.attribute("exposure").as_string();
        if (std::string(node.name()) == "ConditionalDerivedVariable") {
            decl.conditional = true;
            for (const pugi::xml_node& item : node.children("Case")) {
                auto value = parse_expression(item, "value");
                auto condition = parse_expression(item, "condition", false);
                if (!value) {
                    return std::nullopt;
                }
                if (condition && !condition->is_boolean()) {
                    report(item, "condition=\"" + condition->text() + "\" is not a condition");
                    return std::nullopt;
                }
                decl.cases.push_back(derived_case{std::move(condition), std::move(*value)});
            }
            if (decl.cases.empty()) {
                report(node, "a ConditionalDerivedVariable needs at least one <Case>");
                return std::nullopt;
            }
            return decl;
        }
        decl.select = node.attribute("select").as_string();
        decl.reduce = node.attribute("reduce").as_string();
        decl.required = node.attribute("required").as_bool(false);
        if (decl.select.empty()) {
            decl.value = parse_expression(node, "value");
            if (!decl.value) {
                return std::nullopt;
            }
        } else if (!decl.reduce.empty() && decl.reduce != "add" && decl.reduce != "multiply") {
            report(node, "reduce must be 'add' or 'multiply', not '" + decl.reduce + "'");
        }
        return decl;
    }

    std::optional<time_derivative_decl> read_time_derivative(const pugi::xml_node& node) {
        auto value = parse_expression(node, "value");
        if (!value) {
            return std::nullopt;
        }
        return time_derivative_decl{required(node, "variable"), std::move(*value),
                                    source_.locate(node)};
    }

    dynamics_decl read_dynamics(const pugi::xml_node& block) {
        dynamics_decl dynamics;
        dynamics.where = source_.locate(block);
        for (const pugi::xml_node& node : block.children()) {
            if (node.type() != pugi::node_element) {
                continue;
            }
            const std::string tag = node.name();
            if (tag == "StateVariable") {
                dynamics.state_variables.push_back(
                    {named(node), node.attribute("exposure").as_string()});
            } else if (tag == "DerivedVariable" || tag == "ConditionalDerivedVariable") {
                if (auto decl = read_derived(node)) {
                    dynamics.derived_variables.push_back(std::move(*decl));
                }
            } else if (tag == "TimeDerivative") {
                if (auto decl = read_time_derivative(node)) {
                    dynamics.time_derivatives.push_back(std::move(*decl));
                }
            } else if (tag == "OnStart") {
                auto actions = read_actions(node);
                dynamics.on_start.insert(dynamics.on_start.end(), actions.begin(), actions.end());
            } else if (tag == "OnCondition") {
                if (auto decl = read_on_condition(node)) {
                    dynamics.on_conditions.push_back(std::move(*decl));
                }
            } else if (tag == "OnEvent") {
                dynamics.on_events.push_back(
                    {required(node, "port"), read_actions(node), source_.locate(node)});
            } else if (tag == "Regime") {
                dynamics.regimes.push_back(read_regime(node));
            } else if (tag == "KineticScheme") {
                kinetic_scheme_decl scheme;
                scheme.name = node.attribute("name").as_string();
                scheme.nodes = node.attribute("nodes").as_string();
                scheme.state_variable = node.attribute("stateVariable").as_string();
                scheme.edges = node.attribute("edges").as_string();
                scheme.edge_source = node.attribute("edgeSource").as_string();
                scheme.edge_target = node.attribute("edgeTarget").as_string();
                scheme.forward_rate = node.attribute("forwardRate").as_string();
                scheme.reverse_rate = node.attribute("reverseRate").as_string();
                scheme.where = source_.locate(node);
                dynamics.kinetic_schemes.push_back(std::move(scheme));
            } else {
                report(node,
                       "unknown element in Dynamics (expected StateVariable, DerivedVariable, "
                       "ConditionalDerivedVariable, TimeDerivative, OnStart, OnCondition, "
                       "OnEvent, Regime or KineticScheme)");
            }
        }
        return dynamics;
    }

    regime_decl read_regime(const pugi::xml_node& block) {
        regime_decl regime;
        regime.name = required(block, "name");
        regime.initial = block.attribute("initial").as_bool(false);
        regime.where = source_.locate(block);
        for (const pugi::xml_node& node : block.children()) {
            if (node.type() != pugi::node_element) {
                continue;
            }
            const std::string tag = node.name();
            if (tag == "TimeDerivative") {
                if (auto decl = read_time_derivative(node)) {
                    regime.time_derivatives.push_back(std::move(*decl));
                }
            } else if (tag == "DerivedVariable" || tag == "ConditionalDerivedVariable") {
                if (auto decl = read_derived(node)) {
                    regime.derived_variables.push_back(std::move(*decl));
                }
            } else if (tag == "OnCondition") {
                if (auto decl = read_on_condition(node)) {
                    regime.on_conditions.push_back(std::move(*decl));
                }
            } else if (tag == "OnEntry") {
                auto actions = read_actions(node);
                regime.on_entry.insert(regime.on_entry.end(), actions.begin(), actions.end());
            } else {
                report(node, "unknown element in Regime (expected TimeDerivative, DerivedVariable, "
                             "OnCondition or OnEntry)");
            }
        }
        return regime;
    }

    std::vector<assign_decl> read_assigns(const pugi::xml_node& block) {
        std::vector<assign_decl> assigns;
        for (const pugi::xml_node& node : block.children("Assign")) {
            if (auto value = parse_expression(node, "value")) {
                assigns.push_back({required(node, "property"), std::move(*value)});
            }
        }
        return assigns;
    }

    std::optional<structure_decl> read_structure(const pugi::xml_node& node) {
        structure_decl decl;
        decl.where = source_.locate(node);
        const std::string tag = node.name();
        auto text = [&](const char* attribute) {
            return std::string(node.attribute(attribute).as_string());
        };
        if (tag == "ChildInstance") {
            decl.kind = structure_kind::child_instance;
            decl.component = required(node, "component");
        } else if (tag == "MultiInstantiate") {
            decl.kind = structure_kind::multi_instantiate;
            decl.number = required(node, "number");
            decl.component = text("component");
            decl.component_type = text("componentType");
            if (decl.component.empty() && decl.component_type.empty()) {
                report(node, "needs a 'component' or 'componentType' attribute");
                return std::nullopt;
            }
        } else if (tag == "ForEach") {
            decl.kind = structure_kind::for_each;
            decl.instances = required(node, "instances");
            decl.as = required(node, "as");
            for (const pugi::xml_node& inner : node.children()) {
                if (inner.type() == pugi::node_element) {
                    if (auto body = read_structure(inner)) {
                        decl.body.push_back(std::move(*body));
                    }
                }
            }
        } else if (tag == "EventConnection") {
            decl.kind = structure_kind::event_connection;
            decl.from = required(node, "from");
            decl.to = required(node, "to");
            decl.receiver = text("receiver");
            decl.receiver_container = text("receiverContainer");
            decl.source_port = text("sourcePort");
            decl.target_port = text("targetPort");
            decl.delay = text("delay");
            decl.assigns = read_assigns(node);
        } else if (tag == "With") {
            decl.kind = structure_kind::with;
            decl.instance = text("instance");
            decl.list = text("list");
            decl.index = text("index");
            decl.as = required(node, "as");
            if (decl.instance.empty() && decl.list.empty()) {
                report(node, "needs an 'instance' or a 'list' attribute");
                return std::nullopt;
            }
        } else if (tag == "Tunnel") {
            decl.kind = structure_kind::tunnel;
            decl.name = required(node, "name");
            decl.end_a = required(node, "endA");
            decl.end_b = required(node, "endB");
            decl.component_a = required(node, "componentA");
            decl.component_b = required(node, "componentB");
            decl.assigns = read_assigns(node);
        } else {
            report(node, "unknown element in Structure (expected ChildInstance, MultiInstantiate, "
                         "ForEach, EventConnection, With or Tunnel)");
            return std::nullopt;
        }
        return decl;
    }

    std::optional<simulation_decl> read_simulation(const pugi::xml_node& node) {
        simulation_decl decl;
        decl.where = source_.locate(node);
        auto text = [&](const char* attribute) {
            return std::string(node.attribute(attribute).as_string());
        };
        const std::string tag = node.name();
        if (tag == "Run") {
            decl.kind = simulation_kind::run;
            decl.component = text("component");
            decl.variable = text("variable");
            decl.increment = text("increment");
            decl.total = text("total");
        } else if (tag == "Record") {
            decl.kind = simulation_kind::record;
            decl.quantity = text("quantity");
            decl.time_scale = text("timeScale");
            decl.scale = text("scale");
            decl.color = text("color");
        } else if (tag == "EventRecord") {
            decl.kind = simulation_kind::event_record;
            decl.quantity = text("quantity");
            decl.event_port = text("eventPort");
        } else if (tag == "DataWriter") {
            decl.kind = simulation_kind::data_writer;
            decl.path = text("path");
            decl.file_name = text("fileName");
        } else if (tag == "EventWriter") {
            decl.kind = simulation_kind::event_writer;
            decl.path = text("path");
            decl.file_name = text("fileName");
            decl.format = text("format");
        } else if (tag == "DataDisplay") {
            decl.kind = simulation_kind::data_display;
            decl.title = text("title");
            decl.data_region = text("dataRegion");
        } else {
            report(node, "unknown element in Simulation (expected Run, Record, EventRecord, "
                         "DataWriter, EventWriter or DataDisplay)");
            return std::nullopt;
        }
        return decl;
    }

    const xml_source& source_;
    diagnostics& problems_;
    std::string context_;
};

} // namespace

std::unique_ptr<component_type>
read_component_type(const xml_source& source, const pugi::xml_node& node, diagnostics& problems) {
    return type_reader(source, problems).read(node);
}

} // namespace sf::lems
