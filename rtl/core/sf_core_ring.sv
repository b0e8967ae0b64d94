// The delay ring buffer, the synaptic input port and the input latch. The ring holds DELAY_SLOTS x
// NEURONS rows (row = slot * NEURONS + neuron), each row all CHANNELS lanes of one neuron for one
// slot, in one memory of whole rows: a neuron's row is read into the latch before its program runs
// (ldin reads the latch) and cleared with one write after it. A synaptic word, and a load of one
// lane, is a read-modify-write of its row over two cycles: the port takes a word every other
// cycle, so the second of two words to one row reads what the first wrote; loads come every cycle,
// so a load's row that was written in the cycle it was read comes from that write instead.
module sf_core_ring #(
    parameter int NEURONS = 256,
    parameter int CHANNELS = 16,
    parameter int DELAY_SLOTS = 16,
    parameter int ROW_BITS = $clog2(DELAY_SLOTS * NEURONS),
    parameter int LANE_BITS = $clog2(CHANNELS)
) (
    input  logic                 clk,
    input  logic                 rst_n,
    input  logic                 idle,            // no step running: the port may take words
    input  logic [         31:0] step_number,     // the step computed last
    input  logic [         31:0] neurons,         // configuration
    input  logic [         31:0] input_channels,
    input  logic [         31:0] delay_slots,
    // The synaptic input port.
    input  logic                 syn_valid,
    output logic                 syn_ready,
    input  logic [         31:0] syn_word,
    // The sequencer: read a row into the latch, clear a row.
    input  logic                 row_read,
    input  logic [ ROW_BITS-1:0] row_read_address,
    input  logic                 latch_row,       // the row read last cycle becomes the latch
    input  logic                 row_clear,
    input  logic [ ROW_BITS-1:0] row_clear_address,
    // The load port: one lane of one row.
    input  logic                 load,
    input  logic [ ROW_BITS-1:0] load_row,
    input  logic [LANE_BITS-1:0] load_lane,
    input  logic [         31:0] load_data,
    // ldin's channel and what it reads.
    input  logic [LANE_BITS-1:0] input_channel,
    output logic [         31:0] input_word,
    output logic [         63:0] delivered_words,
    output logic [         63:0] input_overflows,
    output logic [         63:0] dropped_words
);
  // The word's fields (synapse.hpp): target, channel, delay - 1, weight.
  logic [7:0] target;
  logic [3:0] channel;
  logic [4:0] delay;
  logic [15:0] weight;
  assign target = syn_word[sf_isa_pkg::SYN_TARGET_WIDTH-1:0];
  assign channel = syn_word[sf_isa_pkg::SYN_CHANNEL_LSB+:sf_isa_pkg::SYN_CHANNEL_WIDTH];
  assign delay = {1'b0, syn_word[sf_isa_pkg::SYN_DELAY_LSB+:sf_isa_pkg::SYN_DELAY_WIDTH]} + 5'd1;
  assign weight = syn_word[sf_isa_pkg::SYN_WEIGHT_LSB+:sf_isa_pkg::SYN_WEIGHT_WIDTH];

  logic accept, dropped, pending, pending_load;
  logic [ROW_BITS-1:0] word_row, pending_row;
  logic [LANE_BITS-1:0] pending_lane;
  logic [15:0] pending_weight;
  logic [31:0] pending_data;  // a load's word
  logic [31:0] slot;
  assign syn_ready = idle && !pending;
  assign accept = syn_valid && syn_ready;
  // Worked out only while a word is offered: the port is quiet in most cycles.
  always_comb begin
    dropped = 1'b0;
    slot = 32'd0;
    word_row = '0;
    if (syn_valid) begin
      dropped = {24'd0, target} >= neurons || {28'd0, channel} >= input_channels ||
          {27'd0, delay} > delay_slots;
      slot = (step_number + {27'd0, delay}) & (delay_slots - 32'd1);
      word_row = ROW_BITS'(slot * NEURONS + {24'd0, target});
    end
  end

  // One read and one write port for whole rows: the sequencer reads and clears only while a step
  // runs, the port and the loader only while none does.
  logic [ROW_BITS-1:0] read_address, write_address;
  logic row_write, reading;
  logic [CHANNELS*32-1:0] row_words, write_row, base_row, written_row;
  logic written_read;  // the row read last cycle was written in that cycle: written_row has it
  assign reading = row_read || accept || load;
  always_comb begin
    if (row_read) read_address = row_read_address;
    else if (load) read_address = load_row;
    else read_address = word_row;
  end

  // The pending word's lane plus its weight clamped to int32, or the loaded word.
  logic signed [32:0] wide_sum;
  logic [31:0] pending_word, pending_sum;
  logic pending_overflow;
  always_comb begin
    base_row = '0;
    pending_word = 32'd0;
    wide_sum = 33'sd0;
    pending_overflow = 1'b0;
    pending_sum = 32'd0;
    if (pending) begin
      base_row = written_read ? written_row : row_words;
      pending_word = base_row[32*pending_lane+:32];
      wide_sum = $signed({pending_word[31], pending_word}) +
          $signed({{17{pending_weight[15]}}, pending_weight});
      pending_overflow = !pending_load && wide_sum[32] != wide_sum[31];
      if (pending_load) pending_sum = pending_data;
      else pending_sum = pending_overflow ? {wide_sum[32], {31{~wide_sum[32]}}} : wide_sum[31:0];
    end
  end

  always_comb begin
    row_write = row_clear || pending;
    write_address = row_clear ? row_clear_address : pending_row;
    write_row = '0;
    if (!row_clear && pending) begin
      write_row = base_row;
      write_row[32*pending_lane+:32] = pending_sum;
    end
  end

  sf_core_ram #(
      .WIDTH(CHANNELS * 32),
      .DEPTH(DELAY_SLOTS * NEURONS)
  ) rows (
      .clk(clk),
      .write(row_write),
      .write_address(write_address),
      .write_data(write_row),
      .read(reading),
      .read_address(read_address),
      .read_data(row_words)
  );

  always_ff @(posedge clk) begin
    if (row_write) written_row <= write_row;
    written_read <= row_write && reading && write_address == read_address;
  end

  logic [CHANNELS*32-1:0] latch;
  always_ff @(posedge clk) begin
    if (latch_row) latch <= row_words;
  end
  assign input_word = latch[32*input_channel+:32];

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      pending <= 1'b0;
      delivered_words <= 64'd0;
      input_overflows <= 64'd0;
      dropped_words <= 64'd0;
    end else begin
      pending <= (accept && !dropped) || load;
      if (accept && dropped) dropped_words <= dropped_words + 64'd1;
      if (accept && !dropped) delivered_words <= delivered_words + 64'd1;
      if (pending && pending_overflow) input_overflows <= input_overflows + 64'd1;
    end
    pending_load <= load;
    pending_row <= load ? load_row : word_row;
    pending_lane <= load ? load_lane : channel[LANE_BITS-1:0];
    pending_weight <= weight;
    pending_data <= load_data;
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      // The port and the loader only while no step runs, the sequencer only while one does.
      assert (!(accept && !idle)) else $error("ring: a synaptic word taken during a step");
      assert (!(pending && row_clear)) else $error("ring: a word's write met a row clear");
      assert (!(pending && row_read)) else $error("ring: a word's read met a row read");
      assert (!(load && (accept || row_read || row_clear)))
      else $error("ring: a load met the port or the sequencer");
      assert (!(pending && !pending_load && load)) else $error("ring: a load met a word's write");
    end
  end
`endif

  // Functional coverage (docs/rtl.md, "Functional coverage" of the core): every slot written and
  // every delay taken by a synaptic word, each reason to drop one, sums clamped at both ends.
`ifndef SYNTHESIS
  // One cover per case: Verilator 5.006 counts a generate loop's covers as one point. The bins
  // are for the 16 delay slots the emulator verilates; a smaller core never hits the last ones.
  bin_core_slot_0_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd0);
  bin_core_slot_1_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd1);
  bin_core_slot_2_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd2);
  bin_core_slot_3_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd3);
  bin_core_slot_4_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd4);
  bin_core_slot_5_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd5);
  bin_core_slot_6_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd6);
  bin_core_slot_7_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd7);
  bin_core_slot_8_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd8);
  bin_core_slot_9_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd9);
  bin_core_slot_10_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd10);
  bin_core_slot_11_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd11);
  bin_core_slot_12_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd12);
  bin_core_slot_13_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd13);
  bin_core_slot_14_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd14);
  bin_core_slot_15_written : cover property (@(posedge clk) rst_n && accept && !dropped
      && slot == 32'd15);
  bin_core_delay_1 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd1);
  bin_core_delay_2 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd2);
  bin_core_delay_3 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd3);
  bin_core_delay_4 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd4);
  bin_core_delay_5 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd5);
  bin_core_delay_6 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd6);
  bin_core_delay_7 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd7);
  bin_core_delay_8 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd8);
  bin_core_delay_9 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd9);
  bin_core_delay_10 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd10);
  bin_core_delay_11 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd11);
  bin_core_delay_12 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd12);
  bin_core_delay_13 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd13);
  bin_core_delay_14 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd14);
  bin_core_delay_15 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd15);
  bin_core_delay_16 : cover property (@(posedge clk) rst_n && accept && !dropped
      && delay == 5'd16);
  bin_core_dropped_target : cover property (@(posedge clk) rst_n && accept
      && {24'd0, target} >= neurons);
  bin_core_dropped_channel : cover property (@(posedge clk) rst_n && accept
      && {28'd0, channel} >= input_channels);
  bin_core_dropped_delay : cover property (@(posedge clk) rst_n && accept
      && {27'd0, delay} > delay_slots);
  bin_core_input_sum_clamped_high : cover property (@(posedge clk) rst_n && pending
      && pending_overflow && !wide_sum[32]);
  bin_core_input_sum_clamped_low : cover property (@(posedge clk) rst_n && pending
      && pending_overflow && wide_sum[32]);
`endif

  // The sink of bits left unused on purpose stays out of traces: traced, it would be computed
  // in every cycle.
  /* verilator tracing_off */
  logic unused_bits;
  assign unused_bits = ^{slot, channel};
  /* verilator tracing_on */
endmodule
