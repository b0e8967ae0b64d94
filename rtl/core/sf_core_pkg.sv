// What the neuron core's RTL and its harness agree on beyond the instruction set: the regions and
// addresses of the load port, and the codes of the load and configuration errors. The harness
// (emulator/src/rtl_core_load.cpp) spells the same numbers.
package sf_core_pkg;

  // load_region: which memory a load_addr names.
  localparam logic [2:0] REGION_CONFIG = 3'd0;
  localparam logic [2:0] REGION_PROGRAM = 3'd1;
  localparam logic [2:0] REGION_CONSTANT = 3'd2;
  localparam logic [2:0] REGION_TABLE = 3'd3;
  localparam logic [2:0] REGION_STATE = 3'd4;
  localparam logic [2:0] REGION_RING = 3'd5;  // address row * CHANNELS + lane

  // Configuration registers (REGION_CONFIG addresses).
  localparam int CFG_NEURONS = 0;
  localparam int CFG_STATE_WORDS = 1;
  localparam int CFG_INPUT_CHANNELS = 2;
  localparam int CFG_DELAY_SLOTS = 3;
  localparam int CFG_SEED = 4;
  localparam int CFG_FIRST_NEURON = 5;
  localparam int CFG_PROGRAM_LENGTH = 6;
  localparam int CFG_CONSTANT_COUNT = 7;
  localparam int CFG_TABLE_COUNT = 8;
  localparam int CFG_TICK_CYCLES = 9;
  localparam int CFG_NEURON_CYCLES = 10;
  localparam int CFG_SPIKE_CYCLES = 11;
  localparam int CFG_RAND_CYCLES = 12;
  // Table t's descriptor: x0, shape (step | log2_intervals << 8, as in the image), base address.
  localparam int CFG_TABLES = 16;

  // The cycles a neuron needs besides its program: its last instruction's two execute stages,
  // then the switch to the next neuron's row, hash and registers (sf_core_sequencer).
  localparam int DRAIN_CYCLES = 3;
  // The cycles a tick needs before the first neuron issues: the step's hash, the first neuron's
  // hash and row read, its row latched.
  localparam int TICK_SETUP_CYCLES = 4;

  // config_error_code: the first refused configuration value, in this order.
  localparam logic [3:0] CONFIG_OK = 4'd0;
  localparam logic [3:0] CONFIG_TOO_MANY_NEURONS = 4'd1;
  localparam logic [3:0] CONFIG_TOO_MANY_STATE_WORDS = 4'd2;  // per neuron, beyond the ISA's 1024
  localparam logic [3:0] CONFIG_STATE_MEMORY = 4'd3;  // neurons x state words beyond the memory
  localparam logic [3:0] CONFIG_TOO_MANY_INPUT_CHANNELS = 4'd4;
  localparam logic [3:0] CONFIG_BAD_DELAY_SLOTS = 4'd5;
  localparam logic [3:0] CONFIG_PROGRAM_TOO_LONG = 4'd6;
  localparam logic [3:0] CONFIG_TOO_MANY_CONSTANTS = 4'd7;
  localparam logic [3:0] CONFIG_TOO_MANY_TABLES = 4'd8;
  localparam logic [3:0] CONFIG_BAD_TABLE = 4'd9;
  localparam logic [3:0] CONFIG_TABLE_MEMORY = 4'd10;
  localparam logic [3:0] CONFIG_NEURON_CYCLES = 4'd11;
  localparam logic [3:0] CONFIG_TICK_CYCLES = 4'd12;
  localparam logic [3:0] CONFIG_SPIKE_CYCLES = 4'd13;
  localparam logic [3:0] CONFIG_RAND_CYCLES = 4'd14;

  // load_error_code: the first refused load since reset.
  localparam logic [1:0] LOAD_OK = 2'd0;
  localparam logic [1:0] LOAD_BAD_INSTRUCTION = 2'd1;  // load_error_status says why
  localparam logic [1:0] LOAD_BAD_ADDRESS = 2'd2;  // beyond the region's memory
  localparam logic [1:0] LOAD_BAD_REGION = 2'd3;

endpackage
