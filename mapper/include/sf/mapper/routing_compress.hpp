#pragma once

#include <cstddef>
#include <vector>

#include <sf/mapper/board.hpp>
#include <sf/mapper/routing.hpp>
#include <sf/mapper/routing_keys.hpp>
#include <sf/mapper/routing_table.hpp>

// Routing table compression (docs/routing.md, "Compression"): ordered covering, the
// order-exploiting minimisation of Mundy, Heathcote and Garside, written anew.
namespace sf::mapper {

// For each table (same order): the keys that reach its chip over a link and match none of its
// entries, so that the router's default route carries them on. Found by replaying every source
// through the tables as check_routes does; each source's keys at most once per chip, sorted.
std::vector<std::vector<key_space>>
default_routed_keys(const board& machine, const std::vector<routing_table>& tables,
                    const std::vector<multicast_source>& sources);

// The same table with fewer entries, keeping the route of every key that matches one of its
// entries and keeping every key of `default_routed` matched by none. Keys in neither may change:
// they never reach this chip. Passing every source's key space as `default_routed` is also right
// (spaces inside one entry are set aside), only merges less. Entries are merged while the table
// has more than `stop_at` entries and some merge is possible; the result is ordered by
// generality (most specific first) and relies on that order.
//
// The input's own order is kept where it matters: it may have overlapping entries only where
// sorting by generality (stable) keeps every overlapping pair with different routes in order;
// otherwise compile_error. An entry with key bits outside its mask matches nothing and is dropped.
routing_table minimise(const routing_table& table, const std::vector<key_space>& default_routed,
                       std::size_t stop_at = 0);

// The table unchanged when it has at most `limit` entries, else minimise(table, default_routed,
// limit). Throws capacity_error (limit "routing table entries") naming the chip, the entries it
// still needs and the limit when it does not fit.
routing_table compress(const routing_table& table, std::size_t limit,
                       const std::vector<key_space>& default_routed);

// Every table compressed to its chip's application_router_entries, with the default-routed keys
// that the sources' replay finds.
std::vector<routing_table> compress_routes(const board& machine,
                                           const std::vector<routing_table>& tables,
                                           const std::vector<multicast_source>& sources);

} // namespace sf::mapper
