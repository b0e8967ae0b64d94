// The neuron core: the step sequencer, the five-stage pipeline that runs the core's program once
// per neuron, the ring buffer with its synaptic input port, and the load and debug ports
// (docs/rtl.md, "The neuron core"). Results are isa::run_program's bit for bit and a step's
// cycles are timing::step_cycles exactly.
//
// Pipeline: F presents the program address; D holds the word (from the program memory's output),
// decodes it and presents ldc's and lds's memory addresses; E1 reads the register flops, computes
// every single-cycle result and writes it at its end, so the next instruction sees it without a
// stall; E2 finishes mul, lut and rand and writes at its end, so an instruction that reads their
// result directly after them waits one cycle in D; W retires. rand waits rand_cycles in D.
module sf_core #(
    parameter int PROGRAM_WORDS = 4096,
    parameter int CONSTANT_WORDS = 1024,
    parameter int TABLE_WORDS = 8192,
    parameter int STATE_WORDS = 16384,
    parameter int NEURONS = 256,
    parameter int CHANNELS = 16,
    parameter int DELAY_SLOTS = 16,
    parameter int STATE_BITS = $clog2(STATE_WORDS),
    parameter int NEURON_BITS = $clog2(NEURONS + 1)
) (
    input  logic                   clk,
    input  logic                   rst_n,
    // Steps.
    input  logic                   tick,
    output logic                   busy,
    output logic                   step_done,
    output logic [           31:0] step_number,
    output logic [           31:0] last_step_cycles,
    output logic                   spike_valid,
    input  logic                   spike_ready,
    output logic [NEURON_BITS-1:0] spike_neuron,
    // Synaptic words, while idle.
    input  logic                   syn_valid,
    output logic                   syn_ready,
    input  logic [           31:0] syn_word,
    // Loading, while idle.
    input  logic                   load_valid,
    input  logic [            2:0] load_region,
    input  logic [           31:0] load_addr,
    input  logic [           31:0] load_data,
    output logic                   load_error,
    output logic [            1:0] load_error_code,
    output logic [            2:0] load_error_status,
    output logic [           31:0] load_error_index,
    output logic                   config_error,
    output logic [            3:0] config_error_code,
    // A state word, combinationally.
    input  logic [ STATE_BITS-1:0] debug_addr,
    output logic [           31:0] debug_data,
    // Counters since reset (firmware::kernel_counters) and the first fault.
    output logic [           63:0] steps,
    output logic [           63:0] neuron_updates,
    output logic [           63:0] instructions,
    output logic [           63:0] spikes,
    output logic [           63:0] delivered_words,
    output logic [           63:0] input_overflows,
    output logic [           63:0] dropped_words,
    output logic [           63:0] saturations,
    output logic [           63:0] program_faults,
    output logic [           63:0] overruns,
    output logic [           63:0] refused_ticks,
    output logic [           63:0] spike_stall_cycles,
    output logic                   fault_valid,
    output logic [           31:0] fault_step,
    output logic [           31:0] fault_neuron,
    output logic [           31:0] fault_instruction,
    output logic [            2:0] fault_status
);
  localparam int PROGRAM_BITS = $clog2(PROGRAM_WORDS);
  localparam int PC_BITS = $clog2(PROGRAM_WORDS + 1);
  localparam int CONSTANT_BITS = $clog2(CONSTANT_WORDS);
  localparam int TABLE_BITS = $clog2(TABLE_WORDS);
  localparam int ROW_BITS = $clog2(DELAY_SLOTS * NEURONS);
  localparam int LANE_BITS = $clog2(CHANNELS);

  // ---- configuration and loading
  // The load port is registered: what depends on it then runs once per cycle, off the flops.
  logic load_valid_q;
  logic [2:0] load_region_q;
  logic [31:0] load_addr_q, load_data_q;
  always_ff @(posedge clk) begin
    if (!rst_n) load_valid_q <= 1'b0;
    else load_valid_q <= load_valid;
    load_region_q <= load_region;
    load_addr_q <= load_addr;
    load_data_q <= load_data;
  end

  logic [31:0] neurons, state_words, input_channels, delay_slots, seed, first_neuron;
  logic [31:0] program_length, constant_count, table_count;
  logic [31:0] tick_cycles, neuron_cycles, spike_cycles, rand_cycles;
  logic [31:0] table_x0;
  logic [4:0] table_step, table_log2;
  logic [TABLE_BITS-1:0] table_base;
  logic [3:0] table_select;
  logic config_checking;

  sf_core_config #(
      .PROGRAM_WORDS(PROGRAM_WORDS),
      .CONSTANT_WORDS(CONSTANT_WORDS),
      .TABLE_WORDS(TABLE_WORDS),
      .STATE_WORDS(STATE_WORDS),
      .NEURONS(NEURONS),
      .CHANNELS(CHANNELS),
      .DELAY_SLOTS(DELAY_SLOTS)
  ) configuration (
      .clk,
      .rst_n,
      .load_valid(load_valid_q),
      .load_region(load_region_q),
      .load_addr(load_addr_q),
      .load_data(load_data_q),
      .neurons,
      .state_words,
      .input_channels,
      .delay_slots,
      .seed,
      .first_neuron,
      .program_length,
      .constant_count,
      .table_count,
      .tick_cycles,
      .neuron_cycles,
      .spike_cycles,
      .rand_cycles,
      .table_select,
      .table_x0,
      .table_step,
      .table_log2,
      .table_base,
      .config_error,
      .checking(config_checking),
      .config_error_code,
      .load_error,
      .load_error_code,
      .load_error_status,
      .load_error_index
  );

  logic idle;
  assign busy = !idle;
  // Loads land only while idle and within their region's memory.
  logic load_program, load_constant, load_table, load_state, load_ring;
  assign load_program = load_valid_q && idle && load_region_q == sf_core_pkg::REGION_PROGRAM &&
      load_addr_q < 32'(PROGRAM_WORDS);
  assign load_constant = load_valid_q && idle && load_region_q == sf_core_pkg::REGION_CONSTANT &&
      load_addr_q < 32'(CONSTANT_WORDS);
  assign load_table = load_valid_q && idle && load_region_q == sf_core_pkg::REGION_TABLE &&
      load_addr_q < 32'(TABLE_WORDS);
  assign load_state = load_valid_q && idle && load_region_q == sf_core_pkg::REGION_STATE &&
      load_addr_q < 32'(STATE_WORDS);
  assign load_ring = load_valid_q && idle && load_region_q == sf_core_pkg::REGION_RING &&
      load_addr_q < 32'(DELAY_SLOTS * NEURONS * CHANNELS);

  // ---- sequencer
  logic issue_done, spiked, enter_issue, step_start, neuron_start, neuron_end, issue;
  logic [NEURON_BITS-1:0] neuron;
  logic [31:0] neuron_hash;
  logic row_read, row_clear;
  logic [ROW_BITS-1:0] row_read_address, row_clear_address;

  sf_core_sequencer #(
      .NEURONS(NEURONS),
      .DELAY_SLOTS(DELAY_SLOTS)
  ) sequencer (
      .clk,
      .rst_n,
      .tick,
      .refused(config_error || load_error || config_checking),
      .neurons,
      .delay_slots,
      .seed,
      .first_neuron,
      .tick_cycles,
      .neuron_cycles,
      .spike_cycles,
      .empty_program(program_length == 32'd0),
      .issue_done,
      .spiked,
      .idle,
      .issue,
      .enter_issue,
      .step_start,
      .neuron_start,
      .neuron_end,
      .neuron,
      .step_number,
      .neuron_hash,
      .row_read,
      .row_read_address,
      .row_clear,
      .row_clear_address,
      .spike_valid,
      .spike_ready,
      .spike_neuron,
      .step_done,
      .last_step_cycles,
      .steps,
      .spikes,
      .overruns,
      .refused_ticks,
      .spike_stall_cycles
  );

`ifndef SYNTHESIS
  // Coverage's own signals stay out of traces: without coverage they are then not computed.
  /* verilator tracing_off */
  // Each configuration error code refusing a tick (docs/rtl.md, "Functional coverage" of the
  // core): the code a refused section ends with, not the passing ones while it is being loaded.
  logic tick_meets_code;
  assign tick_meets_code = rst_n && tick && idle && !config_checking;
  bin_core_config_too_many_neurons : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_TOO_MANY_NEURONS);
  bin_core_config_too_many_state_words : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_TOO_MANY_STATE_WORDS);
  bin_core_config_state_memory : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_STATE_MEMORY);
  bin_core_config_too_many_input_channels : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_TOO_MANY_INPUT_CHANNELS);
  bin_core_config_bad_delay_slots : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_BAD_DELAY_SLOTS);
  bin_core_config_program_too_long : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_PROGRAM_TOO_LONG);
  bin_core_config_too_many_constants : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_TOO_MANY_CONSTANTS);
  bin_core_config_too_many_tables : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_TOO_MANY_TABLES);
  bin_core_config_bad_table : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_BAD_TABLE);
  bin_core_config_table_memory : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_TABLE_MEMORY);
  bin_core_config_neuron_cycles : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_NEURON_CYCLES);
  bin_core_config_tick_cycles : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_TICK_CYCLES);
  bin_core_config_spike_cycles : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_SPIKE_CYCLES);
  bin_core_config_rand_cycles : cover property (@(posedge clk) tick_meets_code
      && config_error_code == sf_core_pkg::CONFIG_RAND_CYCLES);
  /* verilator tracing_on */
`endif

  // ---- ring buffer and synaptic input
  logic [31:0] input_word;
  logic [10:0] e1_index;
  sf_core_ring #(
      .NEURONS(NEURONS),
      .CHANNELS(CHANNELS),
      .DELAY_SLOTS(DELAY_SLOTS)
  ) ring (
      .clk,
      .rst_n,
      .idle,
      .step_number,
      .neurons,
      .input_channels,
      .delay_slots,
      .syn_valid,
      .syn_ready,
      .syn_word,
      .row_read,
      .row_read_address,
      .latch_row(neuron_start),
      .row_clear,
      .row_clear_address,
      .load(load_ring),
      .load_row(load_addr_q[LANE_BITS+:ROW_BITS]),
      .load_lane(load_addr_q[LANE_BITS-1:0]),
      .load_data(load_data_q),
      .input_channel(e1_index[LANE_BITS-1:0]),
      .input_word,
      .delivered_words,
      .input_overflows,
      .dropped_words
  );

  // ---- fetch and decode
  logic d_valid;
  logic [PC_BITS-1:0] d_pc;
  logic [31:0] d_word;
  logic [5:0] d_op;
  logic [1:0] d_predicate;
  logic d_negate;
  logic [3:0] d_rd, d_ra, d_rb;
  logic [10:0] d_index;
  logic [31:0] d_immediate;
  logic [15:0] d_reads, d_late_writes, previous_late;
  // The decoder's verdict: the load port refused every word that does not decode, so the
  // pipeline never looks at it, and it stays out of traces so that it is not computed.
  /* verilator tracing_off */
  logic [2:0] d_status;
  /* verilator tracing_on */
  logic [31:0] d_waited;  // cycles a rand has spent in D
  logic hazard, rand_hold, d_advance;
  logic [PC_BITS-1:0] fetch_address;

  sf_core_decode decode (
      .enable(d_valid),
      .word(d_word),
      .op(d_op),
      .predicate(d_predicate),
      .negate(d_negate),
      .rd(d_rd),
      .ra(d_ra),
      .rb(d_rb),
      .index(d_index),
      .immediate(d_immediate),
      .reads(d_reads),
      .late_writes(d_late_writes),
      .status(d_status)
  );

  // The stall, from the instruction fields alone (timing::program_cycles): a read of the register
  // that the mul, lut or rand issued just before writes.
  assign hazard = d_valid && (d_reads & previous_late) != 16'd0;
  assign rand_hold = d_valid && d_op == sf_isa_pkg::OP_RAND && d_waited != rand_cycles - 32'd1;
  assign d_advance = d_valid && !hazard && !rand_hold;
  assign issue_done = d_advance && 32'(d_pc) + 32'd1 == program_length;
  assign fetch_address = enter_issue ? '0 : d_pc + PC_BITS'(1);

  sf_core_ram #(
      .WIDTH(32),
      .DEPTH(PROGRAM_WORDS)
  ) program_memory (
      .clk,
      .write(load_program),
      .write_address(load_addr_q[PROGRAM_BITS-1:0]),
      .write_data(load_data_q),
      .read(enter_issue || d_advance),
      .read_address(fetch_address[PROGRAM_BITS-1:0]),
      .read_data(d_word)
  );

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      d_valid <= 1'b0;
      d_pc <= '0;
      previous_late <= 16'd0;
      d_waited <= 32'd0;
    end else if (enter_issue) begin
      d_valid <= 1'b1;
      d_pc <= '0;
      previous_late <= 16'd0;
      d_waited <= 32'd0;
    end else if (d_advance) begin
      d_valid <= !issue_done;
      d_pc <= d_pc + PC_BITS'(1);
      previous_late <= d_late_writes;
      d_waited <= 32'd0;
    end else if (hazard) begin
      previous_late <= 16'd0;
    end else if (rand_hold) begin
      d_waited <= d_waited + 32'd1;
    end
  end

  // ---- constants and state, read in decode
  logic [31:0] constant_word, state_read_word;
  logic [31:0] state_base;  // neuron k's first state word: k x state_words, kept by adding
  logic state_write;
  logic [STATE_BITS-1:0] state_write_address;
  logic [31:0] state_write_data;
  logic [31:0] state_read_address;
  assign state_read_address = state_base + {21'd0, d_index};

  sf_core_ram #(
      .WIDTH(32),
      .DEPTH(CONSTANT_WORDS)
  ) constant_memory (
      .clk,
      .write(load_constant),
      .write_address(load_addr_q[CONSTANT_BITS-1:0]),
      .write_data(load_data_q),
      .read(d_advance && d_op == sf_isa_pkg::OP_LDC),
      .read_address(d_index[CONSTANT_BITS-1:0]),
      .read_data(constant_word)
  );

  sf_core_state_ram #(
      .DEPTH(STATE_WORDS)
  ) state_memory (
      .clk,
      .write(state_write),
      .write_address(state_write_address),
      .write_data(state_write_data),
      .read(d_advance && d_op == sf_isa_pkg::OP_LDS),
      .read_address(state_read_address[STATE_BITS-1:0]),
      .read_data(state_read_word),
      .debug_address(debug_addr),
      .debug_data
  );

  // ---- execute 1
  logic e1_valid;
  logic [PC_BITS-1:0] e1_pc;
  logic [5:0] e1_op;
  logic [1:0] e1_predicate;
  logic e1_negate;
  logic [3:0] e1_rd, e1_ra, e1_rb;
  logic [31:0] e1_immediate;

  always_ff @(posedge clk) begin
    if (!rst_n) e1_valid <= 1'b0;
    else e1_valid <= d_advance;
    if (d_advance) begin
      e1_pc <= d_pc;
      e1_op <= d_op;
      e1_predicate <= d_predicate;
      e1_negate <= d_negate;
      e1_rd <= d_rd;
      e1_ra <= d_ra;
      e1_rb <= d_rb;
      e1_index <= d_index;
      e1_immediate <= d_immediate;
    end
  end

  logic [31:0] registers[16];
  logic [3:0] predicates;  // bit 0 is p0, always true
  logic [3:0] predicate_values;
  assign predicate_values = {predicates[3:1], 1'b1};

  logic alive;  // no fault has stopped this neuron's program
  logic taken, fault, effect;
  logic [2:0] run_status;
  assign taken = e1_valid && alive && predicate_values[e1_predicate] != e1_negate;
  always_comb begin
    run_status = sf_isa_pkg::RUN_OK;
    case (e1_op)
      sf_isa_pkg::OP_LDC:
      if (32'(e1_index) >= constant_count) run_status = sf_isa_pkg::RUN_CONSTANT_OUT_OF_RANGE;
      sf_isa_pkg::OP_LDS, sf_isa_pkg::OP_STS:
      if (32'(e1_index) >= state_words) run_status = sf_isa_pkg::RUN_STATE_OUT_OF_RANGE;
      sf_isa_pkg::OP_LDIN:
      if (32'(e1_index) >= input_channels) run_status = sf_isa_pkg::RUN_INPUT_OUT_OF_RANGE;
      sf_isa_pkg::OP_LUT:
      if (32'(e1_index) >= table_count) run_status = sf_isa_pkg::RUN_TABLE_OUT_OF_RANGE;
      default: ;
    endcase
  end
  assign fault = taken && run_status != sf_isa_pkg::RUN_OK;
  assign effect = taken && !fault;

  // lds straight after an sts of the same slot: the read in decode met the write in execute 1.
  logic forward_valid;
  logic [10:0] forward_index;
  logic [31:0] forward_word, state_word;
  assign state_word = forward_valid && forward_index == e1_index ? forward_word : state_read_word;

  logic [31:0] a, b, e1_result;
  logic e1_condition, e1_saturated;
  logic [63:0] e1_partial;
  logic [TABLE_BITS-1:0] table_address;
  logic [30:0] e1_fraction;
  assign a = written[e1_ra] ? registers[e1_ra] : 32'd0;
  assign b = written[e1_rb] ? registers[e1_rb] : 32'd0;
  assign table_select = e1_index[3:0];

  sf_core_execute #(
      .TABLE_BITS(TABLE_BITS)
  ) execute (
      .valid(e1_valid),
      .op(e1_op),
      .a,
      .b,
      .index(e1_index),
      .immediate(e1_immediate),
      .constant(constant_word),
      .state_word,
      .input_word,
      .step_number,
      .neuron_hash,
      .selected(predicate_values[e1_index[1:0]]),
      .table_x0,
      .table_step,
      .table_log2,
      .table_base,
      .result(e1_result),
      .condition(e1_condition),
      .saturated(e1_saturated),
      .partial(e1_partial),
      .table_address,
      .fraction(e1_fraction)
  );

  logic e1_writes_register, e1_writes_predicate, e1_late;
  always_comb begin
    case (e1_op)
      sf_isa_pkg::OP_LI, sf_isa_pkg::OP_LDC, sf_isa_pkg::OP_LDS, sf_isa_pkg::OP_LDIN,
          sf_isa_pkg::OP_ADD, sf_isa_pkg::OP_SUB, sf_isa_pkg::OP_SHL, sf_isa_pkg::OP_SHR,
          sf_isa_pkg::OP_MIN, sf_isa_pkg::OP_MAX, sf_isa_pkg::OP_SEL, sf_isa_pkg::OP_LDT:
      e1_writes_register = effect;
      default: e1_writes_register = 1'b0;
    endcase
  end
  assign e1_writes_predicate = effect && (e1_op == sf_isa_pkg::OP_CMPGT ||
      e1_op == sf_isa_pkg::OP_CMPGE || e1_op == sf_isa_pkg::OP_CMPEQ);
  assign e1_late = effect && (e1_op == sf_isa_pkg::OP_MUL || e1_op == sf_isa_pkg::OP_LUT ||
      e1_op == sf_isa_pkg::OP_RAND);

  // sts writes in execute 1; the load port writes while idle.
  logic e1_stores;
  assign e1_stores = effect && e1_op == sf_isa_pkg::OP_STS;
  logic [31:0] store_address;
  assign store_address = state_base + {21'd0, e1_index};
  assign state_write = e1_stores || load_state;
  assign state_write_address = e1_stores ? store_address[STATE_BITS-1:0] :
      load_addr_q[STATE_BITS-1:0];
  assign state_write_data = e1_stores ? a : load_data_q;

  // Tables: even and odd addresses in two banks, so y[i] and y[i + 1] come in one read.
  logic [TABLE_BITS-2:0] even_address, odd_address;
  logic [31:0] even_word, odd_word;
  assign odd_address = table_address[TABLE_BITS-1:1];
  assign even_address = table_address[0] ? odd_address + (TABLE_BITS - 1)'(1) : odd_address;

  sf_core_ram #(
      .WIDTH(32),
      .DEPTH(TABLE_WORDS / 2)
  ) even_samples (
      .clk,
      .write(load_table && !load_addr_q[0]),
      .write_address(load_addr_q[TABLE_BITS-1:1]),
      .write_data(load_data_q),
      .read(e1_valid && e1_op == sf_isa_pkg::OP_LUT),
      .read_address(even_address),
      .read_data(even_word)
  );
  sf_core_ram #(
      .WIDTH(32),
      .DEPTH(TABLE_WORDS / 2)
  ) odd_samples (
      .clk,
      .write(load_table && load_addr_q[0]),
      .write_address(load_addr_q[TABLE_BITS-1:1]),
      .write_data(load_data_q),
      .read(e1_valid && e1_op == sf_isa_pkg::OP_LUT),
      .read_address(odd_address),
      .read_data(odd_word)
  );

  // ---- execute 2
  logic e2_valid, e2_odd;
  logic [5:0] e2_op;
  logic [3:0] e2_rd;
  logic [5:0] e2_shift;
  logic [63:0] e2_partial;
  logic [30:0] e2_fraction;
  logic [4:0] e2_step;
  logic [31:0] e2_result;
  logic e2_saturated;

  always_ff @(posedge clk) begin
    if (!rst_n) e2_valid <= 1'b0;
    else e2_valid <= e1_late;
    e2_op <= e1_op;
    e2_rd <= e1_rd;
    e2_shift <= e1_index[5:0];
    e2_partial <= e1_partial;
    e2_fraction <= e1_fraction;
    e2_step <= table_step;
    e2_odd <= table_address[0];
  end

  sf_core_late late (
      .valid(e2_valid),
      .op(e2_op),
      .partial(e2_partial),
      .shift(e2_shift),
      .sample_low(e2_odd ? odd_word : even_word),
      .sample_high(e2_odd ? even_word : odd_word),
      .fraction(e2_fraction),
      .table_step(e2_step),
      .result(e2_result),
      .saturated(e2_saturated)
  );

  // ---- registers: zero for every neuron, kept as a mask of the registers written since it
  // started (a register not written reads as zero), so that starting a neuron is one write. An E1
  // and an E2 write to one register in the same cycle leave the E1 (younger) result, the later
  // assignment.
  logic [15:0] written;
  always_ff @(posedge clk) begin
    if (e2_valid) registers[e2_rd] <= e2_result;
    if (e1_writes_register) registers[e1_rd] <= e1_result;
    if (neuron_start) begin
      written <= 16'd0;
      predicates <= 4'd0;
    end else begin
      written <= written | (e2_valid ? 16'd1 << e2_rd : 16'd0) |
          (e1_writes_register ? 16'd1 << e1_rd : 16'd0);
      if (e1_writes_predicate) predicates[e1_rd[1:0]] <= e1_condition;
    end
  end

  // ---- the neuron's flags, the counters and the first fault
  logic [PC_BITS-1:0] fault_pc;
  always_ff @(posedge clk) begin
    forward_valid <= e1_stores;
    forward_index <= e1_index;
    forward_word <= a;
    if (neuron_start) begin
      alive <= 1'b1;
      spiked <= 1'b0;
    end else begin
      if (fault) begin
        alive <= 1'b0;
        fault_pc <= e1_pc;
      end
      if (effect && e1_op == sf_isa_pkg::OP_SPIKE) spiked <= 1'b1;
    end
    if (step_start) state_base <= 32'd0;
    else if (neuron_end) state_base <= state_base + state_words;
    if (!rst_n) begin
      neuron_updates <= 64'd0;
      instructions <= 64'd0;
      saturations <= 64'd0;
      program_faults <= 64'd0;
      fault_valid <= 1'b0;
      fault_step <= 32'd0;
      fault_neuron <= 32'd0;
      fault_instruction <= 32'd0;
      fault_status <= sf_isa_pkg::RUN_OK;
    end else begin
      if (neuron_end) begin
        neuron_updates <= neuron_updates + 64'd1;
        instructions <= instructions + (alive ? 64'(program_length) : 64'(fault_pc) + 64'd1);
      end
      saturations <= saturations + 64'(effect && e1_saturated) + 64'(e2_valid && e2_saturated);
      if (fault) begin
        program_faults <= program_faults + 64'd1;
        if (!fault_valid) begin
          fault_valid <= 1'b1;
          fault_step <= step_number;
          fault_neuron <= 32'(neuron);
          fault_instruction <= 32'(e1_pc);
          fault_status <= run_status;
        end
      end
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      assert (!(e1_writes_predicate && e1_rd[1:0] == 2'd0)) else $error("core: a write to p0");
      assert (!(e1_stores && load_state)) else $error("core: sts and a load in one cycle");
      assert (!(neuron_start && (e1_valid || e2_valid || d_valid)))
      else $error("core: a neuron started with instructions in flight");
      assert (!(load_valid_q && !idle)) else $error("core: a load during a step");
      assert (!(d_valid && !issue)) else $error("core: decode busy outside ISSUE");
    end
  end
`endif

  // ---- functional coverage (docs/rtl.md, "Functional coverage" of the core); synthesis leaves
  // it out.
`ifndef SYNTHESIS
  /* verilator tracing_off */
  // Every opcode taking effect, and not taking effect because its guard failed, plain and negated.
  logic guard_failed;
  assign guard_failed = e1_valid && alive && predicate_values[e1_predicate] == e1_negate;
  // One cover per case: Verilator 5.006 counts a generate loop's covers as one point.
  bin_core_nop_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_NOP);
  bin_core_nop_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_NOP);
  bin_core_nop_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_NOP);
  bin_core_li_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_LI);
  bin_core_li_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_LI);
  bin_core_li_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_LI);
  bin_core_ldc_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_LDC);
  bin_core_ldc_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_LDC);
  bin_core_ldc_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_LDC);
  bin_core_lds_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_LDS);
  bin_core_lds_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_LDS);
  bin_core_lds_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_LDS);
  bin_core_sts_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_STS);
  bin_core_sts_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_STS);
  bin_core_sts_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_STS);
  bin_core_ldin_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_LDIN);
  bin_core_ldin_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_LDIN);
  bin_core_ldin_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_LDIN);
  bin_core_add_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_ADD);
  bin_core_add_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_ADD);
  bin_core_add_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_ADD);
  bin_core_sub_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_SUB);
  bin_core_sub_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_SUB);
  bin_core_sub_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_SUB);
  bin_core_mul_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_MUL);
  bin_core_mul_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_MUL);
  bin_core_mul_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_MUL);
  bin_core_shl_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_SHL);
  bin_core_shl_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_SHL);
  bin_core_shl_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_SHL);
  bin_core_shr_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_SHR);
  bin_core_shr_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_SHR);
  bin_core_shr_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_SHR);
  bin_core_min_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_MIN);
  bin_core_min_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_MIN);
  bin_core_min_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_MIN);
  bin_core_max_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_MAX);
  bin_core_max_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_MAX);
  bin_core_max_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_MAX);
  bin_core_cmpgt_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_CMPGT);
  bin_core_cmpgt_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_CMPGT);
  bin_core_cmpgt_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_CMPGT);
  bin_core_cmpge_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_CMPGE);
  bin_core_cmpge_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_CMPGE);
  bin_core_cmpge_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_CMPGE);
  bin_core_cmpeq_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_CMPEQ);
  bin_core_cmpeq_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_CMPEQ);
  bin_core_cmpeq_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_CMPEQ);
  bin_core_sel_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_SEL);
  bin_core_sel_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_SEL);
  bin_core_sel_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_SEL);
  bin_core_lut_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_LUT);
  bin_core_lut_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_LUT);
  bin_core_lut_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_LUT);
  bin_core_spike_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_SPIKE);
  bin_core_spike_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_SPIKE);
  bin_core_spike_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_SPIKE);
  bin_core_ldt_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_LDT);
  bin_core_ldt_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_LDT);
  bin_core_ldt_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_LDT);
  bin_core_rand_taken : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_RAND);
  bin_core_rand_guard_failed : cover property (@(posedge clk) rst_n && guard_failed
      && !e1_negate && e1_op == sf_isa_pkg::OP_RAND);
  bin_core_rand_negated_guard_failed : cover property (@(posedge clk) rst_n
      && guard_failed && e1_negate && e1_op == sf_isa_pkg::OP_RAND);

  // Saturation at both ends: an int32 clamp's result is its sign.
  bin_core_add_clamped_high : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_ADD && e1_saturated && !e1_result[31]);
  bin_core_add_clamped_low : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_ADD && e1_saturated && e1_result[31]);
  bin_core_sub_clamped_high : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_SUB && e1_saturated && !e1_result[31]);
  bin_core_sub_clamped_low : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_SUB && e1_saturated && e1_result[31]);
  bin_core_shl_clamped_high : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_SHL && e1_saturated && !e1_result[31]);
  bin_core_shl_clamped_low : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_SHL && e1_saturated && e1_result[31]);
  bin_core_mul_clamped_high : cover property (@(posedge clk) rst_n && e2_valid
      && e2_op == sf_isa_pkg::OP_MUL && e2_saturated && !e2_result[31]);
  bin_core_mul_clamped_low : cover property (@(posedge clk) rst_n && e2_valid
      && e2_op == sf_isa_pkg::OP_MUL && e2_saturated && e2_result[31]);
  // lut's result lies between its two samples (the fraction is at most 2^step), so its clamp
  // never acts: no bin for it.
  bin_core_lut_input_below_table : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_LUT && e1_saturated && $signed(a) < $signed(table_x0));
  bin_core_lut_input_above_table : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_LUT && e1_saturated && $signed(a) > $signed(table_x0));

  // Each runtime fault.
  bin_core_fault_constant : cover property (@(posedge clk) rst_n && fault
      && run_status == sf_isa_pkg::RUN_CONSTANT_OUT_OF_RANGE);
  bin_core_fault_state : cover property (@(posedge clk) rst_n && fault
      && run_status == sf_isa_pkg::RUN_STATE_OUT_OF_RANGE);
  bin_core_fault_input : cover property (@(posedge clk) rst_n && fault
      && run_status == sf_isa_pkg::RUN_INPUT_OUT_OF_RANGE);
  bin_core_fault_table : cover property (@(posedge clk) rst_n && fault
      && run_status == sf_isa_pkg::RUN_TABLE_OUT_OF_RANGE);

  // A late result read by the next instruction (a stall: the instruction before it is in E1), and
  // read two and three instructions later (no stall). The words that issued before the one in D.
  logic [15:0] late_1, late_2, late_3;
  logic [5:0] op_1, op_2, op_3;
  always_ff @(posedge clk) begin
    if (enter_issue) begin
      late_1 <= 16'd0;
      late_2 <= 16'd0;
      late_3 <= 16'd0;
    end else if (d_advance) begin
      late_1 <= d_late_writes;
      late_2 <= late_1;
      late_3 <= late_2;
      op_1 <= d_op;
      op_2 <= op_1;
      op_3 <= op_2;
    end
  end
  logic reads_2, reads_3;
  assign reads_2 = d_advance && (d_reads & late_2) != 16'd0;
  assign reads_3 = d_advance && (d_reads & late_3) != 16'd0;
  bin_core_mul_read_next_stalls : cover property (@(posedge clk) rst_n && hazard && e1_valid
      && e1_op == sf_isa_pkg::OP_MUL);
  bin_core_lut_read_next_stalls : cover property (@(posedge clk) rst_n && hazard && e1_valid
      && e1_op == sf_isa_pkg::OP_LUT);
  bin_core_rand_read_next_stalls : cover property (@(posedge clk) rst_n && hazard && e1_valid
      && e1_op == sf_isa_pkg::OP_RAND);
  bin_core_mul_read_at_2 : cover property (@(posedge clk) rst_n && reads_2
      && op_2 == sf_isa_pkg::OP_MUL);
  bin_core_lut_read_at_2 : cover property (@(posedge clk) rst_n && reads_2
      && op_2 == sf_isa_pkg::OP_LUT);
  bin_core_rand_read_at_2 : cover property (@(posedge clk) rst_n && reads_2
      && op_2 == sf_isa_pkg::OP_RAND);
  bin_core_mul_read_at_3 : cover property (@(posedge clk) rst_n && reads_3
      && op_3 == sf_isa_pkg::OP_MUL);
  bin_core_lut_read_at_3 : cover property (@(posedge clk) rst_n && reads_3
      && op_3 == sf_isa_pkg::OP_LUT);
  bin_core_rand_read_at_3 : cover property (@(posedge clk) rst_n && reads_3
      && op_3 == sf_isa_pkg::OP_RAND);
  // rand_cycles > 1: rand waits in decode.
  bin_core_rand_holds_decode : cover property (@(posedge clk) rst_n && rand_hold);

  // An lds straight after an sts of the same slot takes the stored word.
  bin_core_store_then_load : cover property (@(posedge clk) rst_n && effect
      && e1_op == sf_isa_pkg::OP_LDS && forward_valid && forward_index == e1_index);
  /* verilator tracing_on */
`endif

  // The sink of bits left unused on purpose stays out of traces: traced, it would be computed
  // in every cycle.
  /* verilator tracing_off */
  logic unused_bits;
  assign unused_bits = ^{e1_rb, predicates[0], e1_rd[3:2], e1_index[10:6], e1_partial[63:32] & 32'd0,
                         store_address[31:STATE_BITS], state_read_address[31:STATE_BITS],
                         d_late_writes & 16'd0, e1_partial, fetch_address, d_status};
  /* verilator tracing_on */
endmodule
