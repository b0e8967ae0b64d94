// The configuration registers behind the load port, and the load port's checks. A configuration
// the core cannot run (kernel.hpp's check where the two overlap, and the memories' sizes) raises
// config_error with the first reason; a program word that does not decode, or an address beyond
// its region, latches load_error with the first such load since reset. The sequencer ignores
// ticks while either is raised, and in the two cycles after a configuration write while the
// checks run.
module sf_core_config #(
    parameter int PROGRAM_WORDS = 4096,
    parameter int CONSTANT_WORDS = 1024,
    parameter int TABLE_WORDS = 8192,
    parameter int STATE_WORDS = 16384,
    parameter int NEURONS = 256,
    parameter int CHANNELS = 16,
    parameter int DELAY_SLOTS = 16,
    parameter int TABLE_BITS = $clog2(TABLE_WORDS)
) (
    input  logic                  clk,
    input  logic                  rst_n,
    input  logic                  load_valid,
    input  logic [           2:0] load_region,
    input  logic [          31:0] load_addr,
    input  logic [          31:0] load_data,
    output logic [          31:0] neurons,
    output logic [          31:0] state_words,
    output logic [          31:0] input_channels,
    output logic [          31:0] delay_slots,
    output logic [          31:0] seed,
    output logic [          31:0] first_neuron,
    output logic [          31:0] program_length,
    output logic [          31:0] constant_count,
    output logic [          31:0] table_count,
    output logic [          31:0] tick_cycles,
    output logic [          31:0] neuron_cycles,
    output logic [          31:0] spike_cycles,
    output logic [          31:0] rand_cycles,
    // The descriptor of table `table_select`.
    input  logic [           3:0] table_select,
    output logic [          31:0] table_x0,
    output logic [           4:0] table_step,
    output logic [           4:0] table_log2,
    output logic [TABLE_BITS-1:0] table_base,
    output logic                  config_error,
    output logic                  checking,           // config_error is being worked out
    output logic [           3:0] config_error_code,
    output logic                  load_error,
    output logic [           1:0] load_error_code,
    output logic [           2:0] load_error_status,  // a bad instruction's decode status
    output logic [          31:0] load_error_index    // the refused load's address
);
  localparam int TABLES = sf_isa_pkg::MAX_TABLE + 1;
  localparam int CONFIG_WORDS = sf_core_pkg::CFG_TABLES + 3 * TABLES;

  logic [31:0] registers[CONFIG_WORDS];
  always_ff @(posedge clk) begin
    if (load_valid && load_region == sf_core_pkg::REGION_CONFIG &&
        load_addr < 32'(CONFIG_WORDS))
      registers[load_addr[$clog2(CONFIG_WORDS)-1:0]] <= load_data;
  end

  assign neurons = registers[sf_core_pkg::CFG_NEURONS];
  assign state_words = registers[sf_core_pkg::CFG_STATE_WORDS];
  assign input_channels = registers[sf_core_pkg::CFG_INPUT_CHANNELS];
  assign delay_slots = registers[sf_core_pkg::CFG_DELAY_SLOTS];
  assign seed = registers[sf_core_pkg::CFG_SEED];
  assign first_neuron = registers[sf_core_pkg::CFG_FIRST_NEURON];
  assign program_length = registers[sf_core_pkg::CFG_PROGRAM_LENGTH];
  assign constant_count = registers[sf_core_pkg::CFG_CONSTANT_COUNT];
  assign table_count = registers[sf_core_pkg::CFG_TABLE_COUNT];
  assign tick_cycles = registers[sf_core_pkg::CFG_TICK_CYCLES];
  assign neuron_cycles = registers[sf_core_pkg::CFG_NEURON_CYCLES];
  assign spike_cycles = registers[sf_core_pkg::CFG_SPIKE_CYCLES];
  assign rand_cycles = registers[sf_core_pkg::CFG_RAND_CYCLES];

  logic [31:0] selected_shape, selected_base;
  assign table_x0 = registers[sf_core_pkg::CFG_TABLES+3*table_select];
  assign selected_shape = registers[sf_core_pkg::CFG_TABLES+3*table_select+1];
  assign selected_base = registers[sf_core_pkg::CFG_TABLES+3*table_select+2];
  assign table_step = selected_shape[4:0];
  assign table_log2 = selected_shape[12:8];
  assign table_base = selected_base[TABLE_BITS-1:0];

  // The checks run when the configuration has changed, over two cycles (each table's verdicts,
  // then the first refusal), rather than in every cycle: nothing else changes their outcome.
  logic recheck, rechecked;
  logic [TABLES-1:0] bad_table, table_beyond_memory;
  always_ff @(posedge clk) begin
    if (!rst_n) begin
      recheck <= 1'b1;
      rechecked <= 1'b0;
    end else begin
      recheck <= load_valid && load_region == sf_core_pkg::REGION_CONFIG;
      rechecked <= recheck;
    end
    if (recheck) begin
      for (int t = 0; t < TABLES; t = t + 1) begin
        bad_table[t] <= 32'(t) < table_count &&
            (registers[sf_core_pkg::CFG_TABLES+3*t+1][7:0] > 8'(sf_isa_pkg::MAX_TABLE_STEP) ||
             registers[sf_core_pkg::CFG_TABLES+3*t+1][15:8] >
             8'(sf_isa_pkg::MAX_TABLE_LOG2_INTERVALS));
        table_beyond_memory[t] <= 32'(t) < table_count &&
            64'(registers[sf_core_pkg::CFG_TABLES+3*t+2]) +
            (64'd1 << registers[sf_core_pkg::CFG_TABLES+3*t+1][12:8]) + 64'd1 > 64'(TABLE_WORDS);
      end
    end
    if (rechecked) begin
      if (neurons > 32'(NEURONS)) config_error_code <= sf_core_pkg::CONFIG_TOO_MANY_NEURONS;
      else if (state_words > 32'(sf_isa_pkg::MAX_STATE_SLOT + 1))
        config_error_code <= sf_core_pkg::CONFIG_TOO_MANY_STATE_WORDS;
      else if (64'(neurons) * 64'(state_words) > 64'(STATE_WORDS))
        config_error_code <= sf_core_pkg::CONFIG_STATE_MEMORY;
      else if (input_channels > 32'(CHANNELS))
        config_error_code <= sf_core_pkg::CONFIG_TOO_MANY_INPUT_CHANNELS;
      else if (delay_slots == 32'd0 || delay_slots > 32'(DELAY_SLOTS) ||
               (delay_slots & (delay_slots - 32'd1)) != 32'd0)
        config_error_code <= sf_core_pkg::CONFIG_BAD_DELAY_SLOTS;
      else if (program_length > 32'(PROGRAM_WORDS))
        config_error_code <= sf_core_pkg::CONFIG_PROGRAM_TOO_LONG;
      else if (constant_count > 32'(CONSTANT_WORDS))
        config_error_code <= sf_core_pkg::CONFIG_TOO_MANY_CONSTANTS;
      else if (table_count > 32'(TABLES))
        config_error_code <= sf_core_pkg::CONFIG_TOO_MANY_TABLES;
      else if (bad_table != '0) config_error_code <= sf_core_pkg::CONFIG_BAD_TABLE;
      else if (table_beyond_memory != '0) config_error_code <= sf_core_pkg::CONFIG_TABLE_MEMORY;
      else if (neuron_cycles < 32'(sf_core_pkg::DRAIN_CYCLES))
        config_error_code <= sf_core_pkg::CONFIG_NEURON_CYCLES;
      else if (tick_cycles < 32'(sf_core_pkg::TICK_SETUP_CYCLES))
        config_error_code <= sf_core_pkg::CONFIG_TICK_CYCLES;
      else if (spike_cycles == 32'd0) config_error_code <= sf_core_pkg::CONFIG_SPIKE_CYCLES;
      else if (rand_cycles == 32'd0) config_error_code <= sf_core_pkg::CONFIG_RAND_CYCLES;
      else config_error_code <= sf_core_pkg::CONFIG_OK;
    end
  end
  assign checking = recheck || rechecked;
  assign config_error = config_error_code != sf_core_pkg::CONFIG_OK;

  // Every program word is decoded as it is loaded, by the decode stage's own decoder; only its
  // verdict is needed, so the decoded fields are left unconnected on purpose.
  logic [2:0] word_status;
  /* verilator lint_off PINCONNECTEMPTY */
  sf_core_decode decode (
      .enable(load_valid && load_region == sf_core_pkg::REGION_PROGRAM),
      .word(load_data),
      .op(),
      .predicate(),
      .negate(),
      .rd(),
      .ra(),
      .rb(),
      .index(),
      .immediate(),
      .reads(),
      .late_writes(),
      .status(word_status)
  );
  /* verilator lint_on PINCONNECTEMPTY */

  logic [31:0] region_words;
  always_comb begin
    case (load_region)
      sf_core_pkg::REGION_CONFIG: region_words = 32'(CONFIG_WORDS);
      sf_core_pkg::REGION_PROGRAM: region_words = 32'(PROGRAM_WORDS);
      sf_core_pkg::REGION_CONSTANT: region_words = 32'(CONSTANT_WORDS);
      sf_core_pkg::REGION_TABLE: region_words = 32'(TABLE_WORDS);
      sf_core_pkg::REGION_STATE: region_words = 32'(STATE_WORDS);
      sf_core_pkg::REGION_RING: region_words = 32'(DELAY_SLOTS * NEURONS * CHANNELS);
      default: region_words = 32'd0;
    endcase
  end

  logic [1:0] refusal;
  always_comb begin
    refusal = sf_core_pkg::LOAD_OK;
    if (!load_valid) refusal = sf_core_pkg::LOAD_OK;
    else if (region_words == 32'd0) refusal = sf_core_pkg::LOAD_BAD_REGION;
    else if (load_addr >= region_words) refusal = sf_core_pkg::LOAD_BAD_ADDRESS;
    else if (load_region == sf_core_pkg::REGION_PROGRAM && word_status != sf_isa_pkg::DECODE_OK)
      refusal = sf_core_pkg::LOAD_BAD_INSTRUCTION;
  end

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      load_error <= 1'b0;
      load_error_code <= sf_core_pkg::LOAD_OK;
      load_error_status <= sf_isa_pkg::DECODE_OK;
      load_error_index <= 32'd0;
    end else if (load_valid && refusal != sf_core_pkg::LOAD_OK && !load_error) begin
      load_error <= 1'b1;
      load_error_code <= refusal;
      load_error_status <= word_status;
      load_error_index <= load_addr;
    end
  end

  // Functional coverage (docs/rtl.md, "Functional coverage" of the core): each load error as it
  // is latched. The configuration's codes are covered where a tick meets them (sf_core).
`ifndef SYNTHESIS
  bin_core_load_bad_instruction : cover property (@(posedge clk) rst_n && load_valid
      && !load_error && refusal == sf_core_pkg::LOAD_BAD_INSTRUCTION);
  bin_core_load_bad_address : cover property (@(posedge clk) rst_n && load_valid && !load_error
      && refusal == sf_core_pkg::LOAD_BAD_ADDRESS);
  bin_core_load_bad_region : cover property (@(posedge clk) rst_n && load_valid && !load_error
      && refusal == sf_core_pkg::LOAD_BAD_REGION);
`endif

  // The sink of bits left unused on purpose stays out of traces: traced, it would be computed
  // in every cycle.
  /* verilator tracing_off */
  logic unused_bits;
  assign unused_bits = ^{selected_shape[31:13], selected_shape[7:5], selected_base};
  /* verilator tracing_on */
endmodule
