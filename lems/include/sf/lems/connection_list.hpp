#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <unordered_map>
#include <vector>

// The spike connections of a flattened network, kept compactly enough for networks of hundreds
// of millions of synapses: connections that share their source group and port and their target
// group and channel form one projection, stored column by column.
namespace sf::lems::ir {

struct neuron_ref {
    int group = -1;
    int neuron = -1; // index into the group's members
};

// A spike path between neurons.
struct connection {
    neuron_ref source;
    int source_port = 0;
    neuron_ref target;
    int channel = -1;     // input channel of the target group
    double payload = 1.0; // added to the channel's input when the event arrives
    double delay = 0.0;   // seconds, as written
};

// A column of numbers that usually repeat (the weights and delays of a projection): each entry
// is a 16-bit code into the distinct values while there are at most 65 536 of them, and the
// column holds every value itself from the first one past that. Values are kept bit for bit.
class value_column {
public:
    static constexpr std::size_t max_codes = 65536;

    void push_back(double value);
    void reserve(std::size_t count);
    std::size_t size() const { return coded_ ? codes_.size() : values_.size(); }
    double operator[](std::size_t k) const { return coded_ ? values_[codes_[k]] : values_[k]; }

    // While coded: the distinct values, and each entry's index into them. Lets a consumer
    // convert each distinct value once (a delay to time steps) rather than every entry.
    bool coded() const { return coded_; }
    const std::vector<double>& distinct() const { return values_; }
    std::uint16_t code(std::size_t k) const { return codes_[k]; }

    std::size_t bytes() const;

private:
    void uncode();

    bool coded_ = true;
    std::vector<double> values_;       // the distinct values while coded, else every entry
    std::vector<std::uint16_t> codes_; // while coded
    std::unordered_map<std::uint64_t, std::uint16_t> index_; // bit pattern -> code, while coded
};

// Connections from one output port of one group's neurons into one input channel of another's.
struct projection {
    int source_group = -1;
    int source_port = 0;
    int target_group = -1;
    int channel = -1;
    std::vector<std::uint32_t> source; // neuron indices into the source group
    std::vector<std::uint32_t> target; // neuron indices into the target group
    value_column payload;
    value_column delay; // seconds

    std::size_t size() const { return source.size(); }
    void push_back(std::uint32_t source_neuron, std::uint32_t target_neuron, double payload_value,
                   double delay_seconds);
    void reserve(std::size_t count);
    connection at(std::size_t k) const;
};

// Every connection of a network. Adding a connection appends it to the projection of its
// source group, port, target group and channel (creating it on first use), so connections are
// visited projection by projection, each projection in the order its connections were added.
class connection_list {
public:
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = connection;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = connection;

        const_iterator() = default;
        const_iterator(const std::vector<projection>* projections, std::size_t projection,
                       std::size_t index);
        connection operator*() const { return (*projections_)[projection_].at(index_); }
        const_iterator& operator++();
        const_iterator operator++(int);
        bool operator==(const const_iterator& other) const {
            return projection_ == other.projection_ && index_ == other.index_;
        }
        bool operator!=(const const_iterator& other) const { return !(*this == other); }

    private:
        void skip_empty();

        const std::vector<projection>* projections_ = nullptr;
        std::size_t projection_ = 0;
        std::size_t index_ = 0;
    };

    void push_back(const connection& c);
    // The projection of these groups, port and channel, created empty if there is none yet.
    projection& projection_for(int source_group, int source_port, int target_group, int channel);

    std::size_t size() const;
    bool empty() const { return size() == 0; }
    void clear();
    std::size_t bytes() const;

    const std::vector<projection>& projections() const { return projections_; }

    const_iterator begin() const { return {&projections_, 0, 0}; }
    const_iterator end() const { return {&projections_, projections_.size(), 0}; }

private:
    struct key {
        int source_group, source_port, target_group, channel;
        bool operator==(const key& o) const {
            return source_group == o.source_group && source_port == o.source_port &&
                   target_group == o.target_group && channel == o.channel;
        }
    };
    struct key_hash {
        std::size_t operator()(const key& k) const;
    };

    std::vector<projection> projections_;
    std::unordered_map<key, std::size_t, key_hash> index_;
    std::size_t last_ =
        0; // the projection added to last: most connections follow their predecessor's
};

} // namespace sf::lems::ir
