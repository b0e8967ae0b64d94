// A chip's multicast router (docs/rtl.md): the routing table's first match, the default route
// straight on for an unmatched packet from a link, a drop for an unmatched packet from the chip's
// cores, all-or-nothing multicast out of a one-packet output stage, and, for a packet that cannot
// leave, the emergency route after wait1 cycles and the drop to the monitor after wait1 + wait2.
// It follows the timed board model (docs/timing.md) packet for packet.
// The router and the neuron core are separate tops (each verilated on its own); linted together,
// neither instantiates the other.
/* verilator lint_off MULTITOP */
module sf_router #(
    parameter int ENTRIES = 16,
    parameter int CORES   = 16,
    // Widths of the table's ports; derived, not to be set.
    localparam int TABLE_INDEX_WIDTH = ENTRIES > 1 ? $clog2(ENTRIES) : 1,
    localparam int TABLE_COUNT_WIDTH = $clog2(ENTRIES + 1)
) (
    input logic clk,
    input logic rst_n,  // synchronous, active low: empties the output stage, clears the counters

    // The routing table. Entries keep their contents across a reset; only the first
    // table_entries take part in a lookup.
    input logic                         table_write,
    input logic [TABLE_INDEX_WIDTH-1:0] table_index,
    input logic [                 31:0] table_key,
    input logic [                 31:0] table_mask,
    input logic [                 31:0] table_route,
    input logic [TABLE_COUNT_WIDTH-1:0] table_entries,

    // Blocked packets: cycles before the emergency route, cycles more before the drop.
    input logic [15:0] wait1,
    input logic [15:0] wait2,
    input logic        emergency_enable,

    // One packet a cycle in; in_ready is high while the output stage is free or empties this cycle.
    input  logic        in_valid,
    output logic        in_ready,
    input  logic [31:0] in_key,
    input  logic [ 2:0] in_from,  // 0-5 a link, 7 the chip's cores
    input  logic [ 1:0] in_kind,  // 0 normal, 1 emergency first leg, 2 emergency route done

    // Outputs: valid pulses for the one cycle the packet goes, on every destination at once.
    // link_kind is flat, link d's kind in bits 2d + 1 : 2d: yosys reads no packed 2-D array.
    output logic [    sf_isa_pkg::LINK_COUNT - 1 : 0] link_valid,
    input  logic [    sf_isa_pkg::LINK_COUNT - 1 : 0] link_ready,
    output logic [                              31:0] link_key,
    output logic [2 * sf_isa_pkg::LINK_COUNT - 1 : 0] link_kind,
    output logic [                     CORES - 1 : 0] core_valid,
    input  logic [                     CORES - 1 : 0] core_ready,
    output logic [                              31:0] core_key,

    // The monitor's port for a packet dropped after wait1 + wait2; it cannot refuse.
    output logic        dump_valid,
    output logic [31:0] dump_key,
    output logic [ 2:0] dump_from,
    output logic [ 1:0] dump_kind,

    output logic [31:0] packets,
    output logic [31:0] routed,
    output logic [31:0] default_routed,
    output logic [31:0] dropped_unmatched,
    output logic [31:0] emergency_routed,
    output logic [31:0] dropped_wait2,
    output logic [31:0] lost
);
  // The package's values by their full names: yosys reads no import in a module's header.
  localparam int LINK_COUNT = sf_isa_pkg::LINK_COUNT;
  localparam int MAX_CORES_PER_CHIP = sf_isa_pkg::MAX_CORES_PER_CHIP;
  localparam int CORE_LSB = LINK_COUNT;
  // Route bits of cores this chip lacks: counted as lost, never delivered.
  localparam logic [31:0] LOST_BITS = 32'hFFFF_FFFF << (CORE_LSB + CORES);

  localparam logic [1:0] KIND_NORMAL = 2'd0;
  localparam logic [1:0] KIND_FIRST_LEG = 2'd1;
  localparam logic [1:0] KIND_SECOND_LEG = 2'd2;

  if (CORES < 1 || CORES > MAX_CORES_PER_CHIP) begin : g_cores_out_of_range
    $error("sf_router: CORES must be 1 to %0d", MAX_CORES_PER_CHIP);
  end

  // Link d's neighbour anticlockwise, and the link a packet from d leaves by when it goes on
  // straight.
  function automatic logic [2:0] next_link(input logic [2:0] d);
    next_link = d == 3'(LINK_COUNT - 1) ? 3'd0 : d + 3'd1;
  endfunction
  function automatic logic [2:0] opposite(input logic [2:0] d);
    opposite = d >= 3'(LINK_COUNT / 2) ? d - 3'(LINK_COUNT / 2) : d + 3'(LINK_COUNT / 2);
  endfunction
  function automatic logic [LINK_COUNT - 1 : 0] link_bit(input logic [2:0] d);
    link_bit = LINK_COUNT'(1) << d;
  endfunction

  // ---- The table and its lookup ----------------------------------------------------------------
  logic [31:0] entry_key[ENTRIES];
  logic [31:0] entry_mask[ENTRIES];
  logic [31:0] entry_route[ENTRIES];

  always_ff @(posedge clk) begin
    if (table_write) begin
      entry_key[table_index]   <= table_key;
      entry_mask[table_index]  <= table_mask;
      entry_route[table_index] <= table_route;
    end
  end

  logic [ENTRIES - 1 : 0] hit;
  logic [ENTRIES - 1 : 0] first_hit;  // the lowest index that hits, alone
  logic [         31:0] match_route;
  logic                 matched;

  always_comb begin
    for (int i = 0; i < ENTRIES; i++) begin
      hit[i] = TABLE_COUNT_WIDTH'(i) < table_entries && (in_key & entry_mask[i]) == entry_key[i];
    end
    first_hit   = hit & ~(hit - ENTRIES'(1));
    matched     = |hit;
    match_route = '0;
    for (int i = 0; i < ENTRIES; i++) begin
      match_route = match_route | (first_hit[i] ? entry_route[i] : 32'd0);
    end
  end

  // ---- The route decision for the packet offered ---------------------------------------------
  logic                                from_link;
  logic [                         2:0] lookup_from;  // a finished emergency route counts as its link
  logic                                first_leg;
  logic                                take_default;
  logic                                drop_unmatched;
  logic [        LINK_COUNT - 1 : 0]   decided_links;
  logic [    2 * LINK_COUNT - 1 : 0]   decided_kinds;
  logic [             CORES - 1 : 0]   decided_cores;
  logic [                        31:0] decided_lost;

  always_comb begin
    from_link      = in_from < 3'(LINK_COUNT);
    first_leg      = from_link && in_kind == KIND_FIRST_LEG;
    lookup_from    = from_link && in_kind == KIND_SECOND_LEG ? next_link(in_from) : in_from;
    take_default   = !first_leg && !matched && from_link;
    drop_unmatched = !first_leg && !matched && !from_link;
    decided_links  = '0;
    decided_kinds  = '0;
    decided_cores  = '0;
    decided_lost   = '0;
    if (first_leg) begin
      decided_links = link_bit(next_link(in_from));
      decided_kinds[2*next_link(in_from)+:2] = KIND_SECOND_LEG;
    end else if (matched) begin
      decided_links = match_route[LINK_COUNT-1:0];
      decided_cores = match_route[CORE_LSB+:CORES];
      decided_lost  = 32'($countones(match_route & LOST_BITS));
    end else if (take_default) begin
      decided_links = link_bit(opposite(lookup_from));
    end
  end

  // Functional coverage of the route decision (docs/rtl.md, "Coverage"); synthesis leaves it out.
`ifndef SYNTHESIS
  bin_router_match : cover property (@(posedge clk) rst_n && accept && !first_leg && matched);
  bin_router_match_not_first_entry : cover property (@(posedge clk) rst_n && accept && !first_leg
      && $countones(hit) > 1);
  bin_router_miss_past_entries : cover property (@(posedge clk) rst_n && accept && !matched
      && table_entries != '0);
  bin_router_default_route : cover property (@(posedge clk) rst_n && accept && take_default);
  bin_router_drop_unmatched : cover property (@(posedge clk) rst_n && accept && drop_unmatched);
  bin_router_lost_cores : cover property (@(posedge clk) rst_n && accept && decided_lost != '0);
  bin_router_first_leg : cover property (@(posedge clk) rst_n && accept && first_leg);
  bin_router_second_leg : cover property (@(posedge clk) rst_n && accept && from_link
      && in_kind == KIND_SECOND_LEG);
  bin_router_kind_from_cores : cover property (@(posedge clk) rst_n && accept && !from_link
      && in_kind != KIND_NORMAL);
  bin_router_table_write : cover property (@(posedge clk) table_write);
`endif

  // ---- The output stage ----------------------------------------------------------------------
  logic                                held;
  logic [                        31:0] held_key;
  logic [                         2:0] held_from;
  logic [                         1:0] held_kind;
  logic                                held_normal;  // leaves with kind 0: may take emergency routes
  logic [        LINK_COUNT - 1 : 0]   held_links;
  logic [    2 * LINK_COUNT - 1 : 0]   held_kinds;
  logic [             CORES - 1 : 0]   held_cores;
  logic [                        16:0] waited;
  logic                                rerouted;

  logic                                accept;
  logic                                deliver;
  logic                                expire;
  logic                                reroute;
  logic [        LINK_COUNT - 1 : 0]   blocked_links;
  logic [        LINK_COUNT - 1 : 0]   moved;  // blocked links whose next link is free to take over
  logic [        LINK_COUNT - 1 : 0]   rerouted_links;
  logic [    2 * LINK_COUNT - 1 : 0]   rerouted_kinds;
  logic [                        16:0] waited_next;

  always_comb begin
    blocked_links = held_links & ~link_ready;
    deliver       = held && blocked_links == '0 && (held_cores & ~core_ready) == '0;
    waited_next   = waited + 17'd1;
    expire        = held && !deliver && waited_next >= 17'(wait1) + 17'(wait2);
    reroute       = held && !deliver && !expire && !rerouted && held_normal && emergency_enable
        && waited_next >= 17'(wait1);
    // A blocked link d gives way to d + 1 only where d + 1 is none of the packet's links, so that
    // each link still carries at most one packet.
    for (int d = 0; d < LINK_COUNT; d++) begin
      moved[d] = blocked_links[d] && !held_links[(d+1)%LINK_COUNT];
    end
    rerouted_links = (held_links & ~moved) | {moved[LINK_COUNT-2:0], moved[LINK_COUNT-1]};
    rerouted_kinds = held_kinds;
    for (int d = 0; d < LINK_COUNT; d++) begin
      if (moved[d]) rerouted_kinds[2*((d+1)%LINK_COUNT)+:2] = KIND_FIRST_LEG;
    end
    in_ready   = !held || deliver || expire;
    accept     = in_valid && in_ready;
    link_valid = deliver ? held_links : '0;
    core_valid = deliver ? held_cores : '0;
    link_key   = held_key;
    core_key   = held_key;
    link_kind  = held_kinds;
    dump_valid = expire;
    dump_key   = held_key;
    dump_from  = held_from;
    dump_kind  = held_kind;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      held     <= 1'b0;
      waited   <= '0;
      rerouted <= 1'b0;
    end else if (accept && !drop_unmatched) begin
      held        <= 1'b1;
      held_key    <= in_key;
      held_from   <= in_from;
      held_kind   <= in_kind;
      held_normal <= !first_leg;
      held_links  <= decided_links;
      held_kinds  <= decided_kinds;
      held_cores  <= decided_cores;
      waited      <= '0;
      rerouted    <= 1'b0;
    end else if (deliver || expire) begin
      held <= 1'b0;
    end else if (held) begin
      waited <= waited_next;
      if (reroute) begin
        held_links <= rerouted_links;
        held_kinds <= rerouted_kinds;
        rerouted   <= 1'b1;
      end
    end
  end

  // Functional coverage of the output stage (docs/rtl.md, "Coverage"); synthesis leaves it out.
`ifndef SYNTHESIS
  bin_router_multicast : cover property (@(posedge clk) rst_n && deliver
      && $countones({held_links, held_cores}) > 1);
  bin_router_no_destination : cover property (@(posedge clk) rst_n && deliver
      && held_links == '0 && held_cores == '0);
  bin_router_full_rate : cover property (@(posedge clk) rst_n && deliver && accept);
  bin_router_input_backpressure : cover property (@(posedge clk) rst_n && in_valid && !in_ready);
  bin_router_link_backpressure : cover property (@(posedge clk) rst_n && held
      && blocked_links != '0);
  bin_router_core_backpressure : cover property (@(posedge clk) rst_n && held
      && (held_cores & ~core_ready) != '0);
  bin_router_blocked_then_delivered : cover property (@(posedge clk) rst_n && deliver
      && waited != '0);
  bin_router_emergency_route : cover property (@(posedge clk) rst_n && reroute && moved != '0);
  // The last link gives way to the first: the wrap of d + 1.
  bin_router_emergency_route_wraps : cover property (@(posedge clk) rst_n && reroute
      && moved[LINK_COUNT-1]);
  bin_router_emergency_link_kept : cover property (@(posedge clk) rst_n && reroute
      && (blocked_links & ~moved) != '0);
  bin_router_emergency_delivered : cover property (@(posedge clk) rst_n && deliver && rerouted);
  bin_router_dump : cover property (@(posedge clk) rst_n && expire);
  bin_router_dump_after_emergency : cover property (@(posedge clk) rst_n && expire && rerouted);
  bin_router_dump_without_emergency : cover property (@(posedge clk) rst_n && expire
      && !rerouted && held_normal);
  bin_router_reset_while_held : cover property (@(posedge clk) !rst_n && held);
`endif

  // ---- Counters ------------------------------------------------------------------------------
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      packets           <= '0;
      routed            <= '0;
      default_routed    <= '0;
      dropped_unmatched <= '0;
      emergency_routed  <= '0;
      dropped_wait2     <= '0;
      lost              <= '0;
    end else begin
      if (accept) begin
        packets           <= packets + 32'd1;
        default_routed    <= default_routed + 32'(take_default);
        dropped_unmatched <= dropped_unmatched + 32'(drop_unmatched);
        lost              <= lost + decided_lost;
      end
      routed           <= routed + 32'(deliver);
      dropped_wait2    <= dropped_wait2 + 32'(expire);
      emergency_routed <= emergency_routed + 32'(reroute && moved != '0);
    end
  end

  // ---- Checks while simulating; synthesis leaves them out ------------------------------------
`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      a_first_match_alone : assert ($onehot0(first_hit));
      a_leave_or_drop : assert (!(deliver && expire));
      a_nothing_without_packet :
      assert (held || (link_valid == '0 && core_valid == '0 && !dump_valid));
      a_known_kind : assert (!in_valid || in_kind != 2'd3);
      // A link the held packet does not use carries no kind.
      for (int d = 0; d < LINK_COUNT; d++) begin
        a_kind_on_used_link :
        assert (!held || held_links[d] || held_kinds[2*d+:2] == KIND_NORMAL);
      end
    end
  end
`endif

endmodule
