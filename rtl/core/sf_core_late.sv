// Execute 2: the second half of the instructions whose results come two cycles after issue. mul:
// the product's rounding shift (((v >> (sh - 1)) + 1) >> 1) and its clamp; lut: the
// interpolation between the two samples read in execute 1 and its clamp; rand: the second half of
// the last mix, without its lowest bit. Clamps count as saturations, as in isa::run_program.
module sf_core_late (
    input  logic        valid,        // an instruction is in this stage
    input  logic [ 5:0] op,
    input  logic [63:0] partial,
    input  logic [ 5:0] shift,      // mul's sh
    input  logic [31:0] sample_low,   // lut's y[i]
    input  logic [31:0] sample_high,  // lut's y[i + 1]
    input  logic [30:0] fraction,
    input  logic [ 4:0] table_step,
    output logic [31:0] result,
    output logic        saturated
);
  localparam logic signed [63:0] INT32_MAX = 64'sd2147483647;
  localparam logic signed [63:0] INT32_MIN = -64'sd2147483648;

  // Only the instruction's own arithmetic runs, and nothing without one (see sf_core_execute).
  // mul: |product| <= 2^62, so the shifted value plus one stays within 64 bits. lut: y0 +
  // round((y1 - y0) * f / 2^step); the rise has 33 bits and f at most 31. rand: x ^= x >> 13;
  // x *= 0xC2B2AE35; x ^= x >> 16; then >> 1.
  logic signed [63:0] rise, scaled, wide;
  logic [31:0] x13, x_multiplied, x_final;
  always_comb begin
    rise = 64'sd0;
    scaled = 64'sd0;
    wide = 64'sd0;
    x13 = 32'd0;
    x_multiplied = 32'd0;
    x_final = 32'd0;
    result = 32'd0;
    saturated = 1'b0;
    if (valid && op == sf_isa_pkg::OP_RAND) begin
      x13 = partial[31:0] ^ (partial[31:0] >> 13);
      x_multiplied = x13 * sf_isa_pkg::MIX_MULTIPLIER_2;
      x_final = x_multiplied ^ (x_multiplied >> 16);
      result = {1'b0, x_final[31:1]};
    end else if (valid) begin
      if (op == sf_isa_pkg::OP_MUL) begin
        wide = shift == 6'd0 ? $signed(partial) :
            ($signed(($signed(partial) >>> (shift - 6'd1)) + 64'sd1)) >>> 1;
      end else begin
        rise = $signed({{32{sample_high[31]}}, sample_high}) -
            $signed({{32{sample_low[31]}}, sample_low});
        scaled = rise * $signed({33'd0, fraction});
        if (table_step != 5'd0)
          scaled = ($signed((scaled >>> (table_step - 5'd1)) + 64'sd1)) >>> 1;
        wide = scaled + $signed({{32{sample_low[31]}}, sample_low});
      end
      if (wide > INT32_MAX) begin
        result = 32'h7FFFFFFF;
        saturated = 1'b1;
      end else if (wide < INT32_MIN) begin
        result = 32'h80000000;
        saturated = 1'b1;
      end else begin
        result = wide[31:0];
      end
    end
  end

  // The sink of bits left unused on purpose stays out of traces: traced, it would be computed
  // in every cycle.
  /* verilator tracing_off */
  logic unused_bit;
  assign unused_bit = x_final[0];
  /* verilator tracing_on */
endmodule
