// The neuron-core instruction set's encoding, the synaptic word and the routing word, as the RTL
// sees them (docs/isa.md, docs/kernel.md, docs/image-format.md). The firmware's headers are the
// source: a test reads this file and compares every value with them, so a change on one side that
// the other lacks fails the build.
// Each module uses only the part of the package it needs: its unused values are expected.
/* verilator lint_off UNUSEDPARAM */
package sf_isa_pkg;

  // Registers and predicates.
  localparam int REGISTER_COUNT = 16;
  localparam int PREDICATE_COUNT = 4;
  localparam int MAX_STATE_SLOT = 1023;
  localparam int MAX_CONSTANT = 1023;
  localparam int MAX_INPUT_CHANNEL = 15;
  localparam int MAX_TABLE = 15;
  localparam int MAX_MULTIPLY_SHIFT = 63;
  localparam int MAX_SHIFT = 31;
  localparam int MAX_DRAW = 2047;
  localparam int MIN_IMMEDIATE = -262144;
  localparam int MAX_IMMEDIATE = 262143;

  // Instruction word fields: lowest bit and width.
  localparam int NEGATE_LSB = 31;
  localparam int PREDICATE_LSB = 29;
  localparam int PREDICATE_WIDTH = 2;
  localparam int OPCODE_LSB = 23;
  localparam int OPCODE_WIDTH = 6;
  localparam int RD_LSB = 19;
  localparam int RA_LSB = 15;
  localparam int RB_LSB = 11;
  localparam int REGISTER_WIDTH = 4;
  localparam int INDEX_LSB = 0;
  localparam int INDEX_WIDTH = 11;
  localparam int IMMEDIATE_WIDTH = 19;

  // Opcodes.
  localparam int OPCODE_COUNT = 21;
  localparam logic [5:0] OP_NOP = 6'd0;
  localparam logic [5:0] OP_LI = 6'd1;
  localparam logic [5:0] OP_LDC = 6'd2;
  localparam logic [5:0] OP_LDS = 6'd3;
  localparam logic [5:0] OP_STS = 6'd4;
  localparam logic [5:0] OP_LDIN = 6'd5;
  localparam logic [5:0] OP_ADD = 6'd6;
  localparam logic [5:0] OP_SUB = 6'd7;
  localparam logic [5:0] OP_MUL = 6'd8;
  localparam logic [5:0] OP_SHL = 6'd9;
  localparam logic [5:0] OP_SHR = 6'd10;
  localparam logic [5:0] OP_MIN = 6'd11;
  localparam logic [5:0] OP_MAX = 6'd12;
  localparam logic [5:0] OP_CMPGT = 6'd13;
  localparam logic [5:0] OP_CMPGE = 6'd14;
  localparam logic [5:0] OP_CMPEQ = 6'd15;
  localparam logic [5:0] OP_SEL = 6'd16;
  localparam logic [5:0] OP_LUT = 6'd17;
  localparam logic [5:0] OP_SPIKE = 6'd18;
  localparam logic [5:0] OP_LDT = 6'd19;
  localparam logic [5:0] OP_RAND = 6'd20;

  // Why a word does not decode (isa::decode_status); a load error carries one of these.
  localparam logic [2:0] DECODE_OK = 3'd0;
  localparam logic [2:0] DECODE_UNKNOWN_OPCODE = 3'd1;
  localparam logic [2:0] DECODE_UNUSED_FIELD_SET = 3'd2;
  localparam logic [2:0] DECODE_INDEX_OUT_OF_RANGE = 3'd3;
  localparam logic [2:0] DECODE_WRITES_P0 = 3'd5;

  // Why a neuron's program stopped (isa::run_status); the first fault carries one of these.
  localparam logic [2:0] RUN_OK = 3'd0;
  localparam logic [2:0] RUN_STATE_OUT_OF_RANGE = 3'd2;
  localparam logic [2:0] RUN_CONSTANT_OUT_OF_RANGE = 3'd3;
  localparam logic [2:0] RUN_INPUT_OUT_OF_RANGE = 3'd4;
  localparam logic [2:0] RUN_TABLE_OUT_OF_RANGE = 3'd5;

  // rand's hash (isa::mix32 and random_step_spread).
  localparam logic [31:0] RANDOM_STEP_SPREAD = 32'd2654435769;
  localparam logic [31:0] MIX_MULTIPLIER_1 = 32'd2246822507;
  localparam logic [31:0] MIX_MULTIPLIER_2 = 32'd3266489909;

  // Lookup table descriptors (isa::max_table_step, isa::max_table_log2_intervals).
  localparam int MAX_TABLE_STEP = 30;
  localparam int MAX_TABLE_LOG2_INTERVALS = 16;

  // The synaptic word: weight, delay - 1, input channel, target neuron.
  localparam int SYN_TARGET_WIDTH = 8;
  localparam int SYN_CHANNEL_LSB = 8;
  localparam int SYN_CHANNEL_WIDTH = 4;
  localparam int SYN_DELAY_LSB = 12;
  localparam int SYN_DELAY_WIDTH = 4;
  localparam int SYN_WEIGHT_LSB = 16;
  localparam int SYN_WEIGHT_WIDTH = 16;

  // A routing entry's route word: one bit per link, then one per application core of the chip.
  localparam int LINK_COUNT = 6;
  localparam int MAX_CORES_PER_CHIP = 26;
  localparam int NEURON_KEY_BITS = 8;

endpackage
/* verilator lint_on UNUSEDPARAM */
