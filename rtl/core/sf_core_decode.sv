// The instruction decoder: one 32-bit word into its fields, whether it is a valid instruction
// (isa::decode in firmware/include/sf/firmware/isa.hpp, check for check), which registers it
// reads and which it writes late. The core uses one copy in its decode stage and one on the load
// port, so a word the firmware refuses is refused by the same logic that would run it. Without
// `enable` the verdict and the register masks are not worked out (they read as a valid word that
// reads and writes nothing), so a simulation spends nothing on a word nobody looks at.
module sf_core_decode (
    input  logic        enable,
    input  logic [31:0] word,
    output logic [ 5:0] op,
    output logic [ 1:0] predicate,
    output logic        negate,
    output logic [ 3:0] rd,
    output logic [ 3:0] ra,
    output logic [ 3:0] rb,
    output logic [10:0] index,
    output logic [31:0] immediate,   // li's, sign-extended
    output logic [15:0] reads,       // bit r: the instruction reads register r (timing::registers_read)
    output logic [15:0] late_writes, // bit r: a mul, lut or rand writing r two cycles after issue
    output logic [ 2:0] status       // sf_isa_pkg::DECODE_*
);
  // Nothing inside the decoder is traced: the decode stage's fields are traced where the core
  // keeps them, and the load port's copy leaves its fields unconnected, which traced would be
  // worked out in every cycle.
  /* verilator tracing_off */
  // Which fields an opcode uses, as isa::info's operand forms.
  logic uses_rd, uses_ra, uses_rb, uses_index, writes_predicate, selects;
  logic [10:0] max_index;

  assign negate = word[sf_isa_pkg::NEGATE_LSB];
  assign predicate = word[sf_isa_pkg::PREDICATE_LSB+:2];
  assign op = word[sf_isa_pkg::OPCODE_LSB+:6];
  assign rd = word[sf_isa_pkg::RD_LSB+:4];
  assign ra = word[sf_isa_pkg::RA_LSB+:4];
  assign rb = word[sf_isa_pkg::RB_LSB+:4];
  assign index = word[10:0];
  assign immediate = {{13{word[18]}}, word[18:0]};

  always_comb begin
    uses_rd = 1'b1;
    uses_ra = 1'b0;
    uses_rb = 1'b0;
    uses_index = 1'b0;
    writes_predicate = 1'b0;
    selects = 1'b0;
    max_index = 11'd0;
    if (enable) case (op)
      sf_isa_pkg::OP_NOP, sf_isa_pkg::OP_SPIKE: uses_rd = 1'b0;
      sf_isa_pkg::OP_LDT, sf_isa_pkg::OP_LI: ;
      sf_isa_pkg::OP_LDC: begin
        uses_index = 1'b1;
        max_index  = 11'(sf_isa_pkg::MAX_CONSTANT);
      end
      sf_isa_pkg::OP_LDS: begin
        uses_index = 1'b1;
        max_index  = 11'(sf_isa_pkg::MAX_STATE_SLOT);
      end
      sf_isa_pkg::OP_LDIN: begin
        uses_index = 1'b1;
        max_index  = 11'(sf_isa_pkg::MAX_INPUT_CHANNEL);
      end
      sf_isa_pkg::OP_RAND: begin
        uses_index = 1'b1;
        max_index  = 11'(sf_isa_pkg::MAX_DRAW);
      end
      sf_isa_pkg::OP_STS: begin
        uses_rd = 1'b0;
        uses_ra = 1'b1;
        uses_index = 1'b1;
        max_index = 11'(sf_isa_pkg::MAX_STATE_SLOT);
      end
      sf_isa_pkg::OP_ADD, sf_isa_pkg::OP_SUB, sf_isa_pkg::OP_MIN, sf_isa_pkg::OP_MAX: begin
        uses_ra = 1'b1;
        uses_rb = 1'b1;
      end
      sf_isa_pkg::OP_MUL: begin
        uses_ra = 1'b1;
        uses_rb = 1'b1;
        uses_index = 1'b1;
        max_index = 11'(sf_isa_pkg::MAX_MULTIPLY_SHIFT);
      end
      sf_isa_pkg::OP_SHL, sf_isa_pkg::OP_SHR: begin
        uses_ra = 1'b1;
        uses_index = 1'b1;
        max_index = 11'(sf_isa_pkg::MAX_SHIFT);
      end
      sf_isa_pkg::OP_CMPGT, sf_isa_pkg::OP_CMPGE, sf_isa_pkg::OP_CMPEQ: begin
        uses_ra = 1'b1;
        uses_rb = 1'b1;
        writes_predicate = 1'b1;
      end
      sf_isa_pkg::OP_SEL: begin
        uses_ra = 1'b1;
        uses_rb = 1'b1;
        selects = 1'b1;
      end
      sf_isa_pkg::OP_LUT: begin
        uses_ra = 1'b1;
        uses_index = 1'b1;
        max_index = 11'(sf_isa_pkg::MAX_TABLE);
      end
      default: uses_rd = 1'b0;
    endcase
  end

  // The order of isa::decode and isa::check: the opcode, sel's predicate field, unused fields,
  // the index's range, then p0 as a destination.
  always_comb begin
    if (!enable) status = sf_isa_pkg::DECODE_OK;
    else if (op >= 6'(sf_isa_pkg::OPCODE_COUNT)) status = sf_isa_pkg::DECODE_UNKNOWN_OPCODE;
    else if (op == sf_isa_pkg::OP_LI) status = sf_isa_pkg::DECODE_OK;
    else if (selects && index > 11'd3) status = sf_isa_pkg::DECODE_UNUSED_FIELD_SET;
    else if ((!uses_rd && rd != 4'd0) || (!uses_ra && ra != 4'd0) || (!uses_rb && rb != 4'd0) ||
             (!uses_index && !selects && index != 11'd0))
      status = sf_isa_pkg::DECODE_UNUSED_FIELD_SET;
    else if (uses_index && index > max_index) status = sf_isa_pkg::DECODE_INDEX_OUT_OF_RANGE;
    else if ((writes_predicate && rd == 4'd0) || (selects && index[1:0] == 2'd0))
      status = sf_isa_pkg::DECODE_WRITES_P0;
    else status = sf_isa_pkg::DECODE_OK;
  end

  always_comb begin
    reads = 16'd0;
    late_writes = 16'd0;
    if (enable && (op == sf_isa_pkg::OP_MUL || op == sf_isa_pkg::OP_LUT ||
                   op == sf_isa_pkg::OP_RAND))
      late_writes = 16'd1 << rd;
    if (uses_ra) reads = reads | (16'd1 << ra);
    if (uses_rb) reads = reads | (16'd1 << rb);
    if (op == sf_isa_pkg::OP_LI) reads = 16'd0;
  end

  /* verilator tracing_on */
endmodule
