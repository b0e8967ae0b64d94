// Execute 1: what an instruction computes in the cycle after decode, from the register flops and
// the words the decode stage read. Single-cycle results (arithmetic, shifts, compares, sel, loads)
// are final here; mul, lut and rand leave a partial result for sf_core_late. Saturation follows
// isa::run_program: add, sub and shl clamp to int32 and count; shr rounds and never clamps; lut
// counts a clamp of its input here and of its result in execute 2.
module sf_core_execute #(
    parameter int TABLE_BITS = 13
) (
    input  logic                  valid,        // an instruction is in this stage
    input  logic [           5:0] op,
    input  logic [          31:0] a,
    input  logic [          31:0] b,
    input  logic [          10:0] index,
    input  logic [          31:0] immediate,
    input  logic [          31:0] constant,     // constant[index], read in decode
    input  logic [          31:0] state_word,   // state[index], read in decode or forwarded
    input  logic [          31:0] input_word,   // this step's synaptic input, channel index
    input  logic [          31:0] step_number,
    input  logic [          31:0] neuron_hash,  // mix(mix(seed + step * spread) ^ neuron)
    input  logic                  selected,     // sel's predicate
    input  logic [          31:0] table_x0,
    input  logic [           4:0] table_step,
    input  logic [           4:0] table_log2,
    input  logic [TABLE_BITS-1:0] table_base,
    output logic [          31:0] result,
    output logic                  condition,    // a compare's outcome
    output logic                  saturated,
    output logic [          63:0] partial,      // mul's product, rand's half-mixed word
    output logic [TABLE_BITS-1:0] table_address,  // of the sample below the input
    output logic [          30:0] fraction        // the input's distance above that sample
);
  localparam logic signed [63:0] INT32_MAX = 64'sd2147483647;
  localparam logic signed [63:0] INT32_MIN = -64'sd2147483648;

  // Each opcode's arithmetic sits in its own branch, and nothing runs without an instruction: a
  // simulation of the core then computes only what the instruction in this stage needs.
  logic signed [32:0] wide;  // add's, sub's and shr's result, one bit wider
  logic signed [63:0] shifted_left;
  logic [4:0] shift;
  assign shift = index[4:0];

  // lut: d = x - x0 clamped to [0, 2^(log2 + step)], the sample below it and the fraction.
  logic signed [33:0] distance;
  logic [46:0] span, clamped, below, last, sample, fraction_wide;
  logic distance_clamped;
  always_comb begin
    distance = 34'sd0;
    span = 47'd0;
    clamped = 47'd0;
    below = 47'd0;
    last = 47'd0;
    sample = 47'd0;
    fraction_wide = 47'd0;
    distance_clamped = 1'b0;
    if (valid && op == sf_isa_pkg::OP_LUT) begin
      distance = $signed({{2{a[31]}}, a}) - $signed({{2{table_x0[31]}}, table_x0});
      span = 47'd1 << (table_log2 + table_step);
      if (distance < 34'sd0) begin
        clamped = 47'd0;
        distance_clamped = 1'b1;
      end else if ({13'd0, distance} > span) begin
        clamped = span;
        distance_clamped = 1'b1;
      end else begin
        clamped = {13'd0, distance[33:0]};
      end
      below = clamped >> table_step;
      last = (47'd1 << table_log2) - 47'd1;
      sample = below < last ? below : last;
      fraction_wide = clamped - (sample << table_step);
    end
  end
  assign table_address = table_base + sample[TABLE_BITS-1:0];
  assign fraction = fraction_wide[30:0];

  // rand: the first half of the last mix of h_n + draw.
  logic [31:0] draw_word, draw_mixed, draw_multiplied;

  always_comb begin
    result = 32'd0;
    saturated = 1'b0;
    condition = 1'b0;
    partial = 64'd0;
    wide = 33'sd0;
    shifted_left = 64'sd0;
    draw_word = 32'd0;
    draw_mixed = 32'd0;
    draw_multiplied = 32'd0;
    if (valid) begin
      case (op)
        sf_isa_pkg::OP_LI: result = immediate;
        sf_isa_pkg::OP_LDC: result = constant;
        sf_isa_pkg::OP_LDS: result = state_word;
        sf_isa_pkg::OP_LDIN: result = input_word;
        sf_isa_pkg::OP_LDT: result = step_number;
        sf_isa_pkg::OP_ADD: begin
          wide = $signed({a[31], a}) + $signed({b[31], b});
          saturated = wide[32] != wide[31];
          result = saturated ? {wide[32], {31{~wide[32]}}} : wide[31:0];
        end
        sf_isa_pkg::OP_SUB: begin
          wide = $signed({a[31], a}) - $signed({b[31], b});
          saturated = wide[32] != wide[31];
          result = saturated ? {wide[32], {31{~wide[32]}}} : wide[31:0];
        end
        sf_isa_pkg::OP_SHL: begin
          shifted_left = $signed({{32{a[31]}}, a}) <<< shift;
          saturated = shifted_left > INT32_MAX || shifted_left < INT32_MIN;
          result = saturated ? {shifted_left[63], {31{~shifted_left[63]}}} : shifted_left[31:0];
        end
        // ((a >> (sh - 1)) + 1) >> 1, one bit wider so that the + 1 cannot overflow.
        sf_isa_pkg::OP_SHR: begin
          wide = shift == 5'd0 ? $signed({a[31], a}) :
              ($signed(($signed({a[31], a}) >>> (shift - 5'd1)) + 33'sd1)) >>> 1;
          result = wide[31:0];
        end
        sf_isa_pkg::OP_MIN: result = $signed(a) < $signed(b) ? a : b;
        sf_isa_pkg::OP_MAX: result = $signed(a) > $signed(b) ? a : b;
        sf_isa_pkg::OP_CMPGT: condition = $signed(a) > $signed(b);
        sf_isa_pkg::OP_CMPGE: condition = $signed(a) >= $signed(b);
        sf_isa_pkg::OP_CMPEQ: condition = a == b;
        sf_isa_pkg::OP_SEL: result = selected ? a : b;
        sf_isa_pkg::OP_MUL: partial = $signed({{32{a[31]}}, a}) * $signed({{32{b[31]}}, b});
        sf_isa_pkg::OP_LUT: saturated = distance_clamped;
        sf_isa_pkg::OP_RAND: begin
          draw_word = neuron_hash + {21'd0, index};
          draw_mixed = draw_word ^ (draw_word >> 16);
          draw_multiplied = draw_mixed * sf_isa_pkg::MIX_MULTIPLIER_1;
          partial = {32'd0, draw_multiplied};
        end
        default: ;
      endcase
    end
  end

  // The sink of bits left unused on purpose stays out of traces: traced, it would be computed
  // in every cycle.
  /* verilator tracing_off */
  logic unused_wide;
  assign unused_wide = ^{shifted_left[62:32], index[10:5], sample[46:TABLE_BITS],
                         fraction_wide[46:31]};
  /* verilator tracing_on */
endmodule
