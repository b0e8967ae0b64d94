#include <cstring>

#include <sf/lems/connection_list.hpp>

namespace sf::lems::ir {
namespace {

std::uint64_t bits_of(double value) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
}

} // namespace

void value_column::push_back(double value) {
    if (!coded_) {
        values_.push_back(value);
        return;
    }
    // Runs of one value are the common case (a projection with one weight): no lookup for them.
    if (!codes_.empty() && bits_of(values_[codes_.back()]) == bits_of(value)) {
        codes_.push_back(codes_.back());
        return;
    }
    const auto found = index_.find(bits_of(value));
    if (found != index_.end()) {
        codes_.push_back(found->second);
        return;
    }
    if (values_.size() == max_codes) {
        uncode();
        values_.push_back(value);
        return;
    }
    const auto code = static_cast<std::uint16_t>(values_.size());
    values_.push_back(value);
    index_.emplace(bits_of(value), code);
    codes_.push_back(code);
}

void value_column::uncode() {
    std::vector<double> plain;
    plain.reserve(codes_.capacity() > codes_.size() ? codes_.capacity() : codes_.size() + 1);
    for (std::uint16_t code : codes_) {
        plain.push_back(values_[code]);
    }
    values_ = std::move(plain);
    codes_ = {};
    index_ = {};
    coded_ = false;
}

void value_column::reserve(std::size_t count) {
    if (coded_) {
        codes_.reserve(count);
    } else {
        values_.reserve(count);
    }
}

std::size_t value_column::bytes() const {
    return values_.capacity() * sizeof(double) + codes_.capacity() * sizeof(std::uint16_t) +
           index_.size() * (sizeof(std::uint64_t) + sizeof(std::uint16_t) + 2 * sizeof(void*));
}

void projection::push_back(std::uint32_t source_neuron, std::uint32_t target_neuron,
                           double payload_value, double delay_seconds) {
    source.push_back(source_neuron);
    target.push_back(target_neuron);
    payload.push_back(payload_value);
    delay.push_back(delay_seconds);
}

void projection::reserve(std::size_t count) {
    source.reserve(count);
    target.reserve(count);
    payload.reserve(count);
    delay.reserve(count);
}

connection projection::at(std::size_t k) const {
    connection c;
    c.source = {source_group, static_cast<int>(source[k])};
    c.source_port = source_port;
    c.target = {target_group, static_cast<int>(target[k])};
    c.channel = channel;
    c.payload = payload[k];
    c.delay = delay[k];
    return c;
}

connection_list::const_iterator::const_iterator(const std::vector<projection>* projections,
                                                std::size_t projection, std::size_t index)
    : projections_(projections), projection_(projection), index_(index) {
    skip_empty();
}

void connection_list::const_iterator::skip_empty() {
    while (projection_ < projections_->size() && index_ >= (*projections_)[projection_].size()) {
        ++projection_;
        index_ = 0;
    }
}

connection_list::const_iterator& connection_list::const_iterator::operator++() {
    ++index_;
    skip_empty();
    return *this;
}

connection_list::const_iterator connection_list::const_iterator::operator++(int) {
    const_iterator before = *this;
    ++*this;
    return before;
}

std::size_t connection_list::key_hash::operator()(const key& k) const {
    std::size_t h = std::hash<int>()(k.source_group);
    for (int part : {k.source_port, k.target_group, k.channel}) {
        h = h * 1000003u ^ std::hash<int>()(part);
    }
    return h;
}

projection& connection_list::projection_for(int source_group, int source_port, int target_group,
                                            int channel) {
    if (last_ < projections_.size()) {
        projection& p = projections_[last_];
        if (p.source_group == source_group && p.source_port == source_port &&
            p.target_group == target_group && p.channel == channel) {
            return p;
        }
    }
    const key k{source_group, source_port, target_group, channel};
    const auto found = index_.find(k);
    if (found != index_.end()) {
        last_ = found->second;
        return projections_[last_];
    }
    last_ = projections_.size();
    index_.emplace(k, last_);
    projection& p = projections_.emplace_back();
    p.source_group = source_group;
    p.source_port = source_port;
    p.target_group = target_group;
    p.channel = channel;
    return p;
}

void connection_list::push_back(const connection& c) {
    projection_for(c.source.group, c.source_port, c.target.group, c.channel)
        .push_back(static_cast<std::uint32_t>(c.source.neuron),
                   static_cast<std::uint32_t>(c.target.neuron), c.payload, c.delay);
}

std::size_t connection_list::size() const {
    std::size_t total = 0;
    for (const projection& p : projections_) {
        total += p.size();
    }
    return total;
}

void connection_list::clear() {
    projections_.clear();
    index_.clear();
    last_ = 0;
}

std::size_t connection_list::bytes() const {
    std::size_t total = 0;
    for (const projection& p : projections_) {
        total += (p.source.capacity() + p.target.capacity()) * sizeof(std::uint32_t) +
                 p.payload.bytes() + p.delay.bytes();
    }
    return total;
}

} // namespace sf::lems::ir
