// MurmurHash3's 32-bit finaliser (isa::mix32), whole, for the hashes rand's draws start from:
// the step's and the neuron's, which the sequencer computes once per step and once per neuron.
// Without `enable` it computes nothing, so a simulation spends nothing on it in other cycles.
module sf_core_mix (
    input  logic        enable,
    input  logic [31:0] x,
    output logic [31:0] mixed
);
  logic [31:0] a, b, c, d;
  always_comb begin
    a = 32'd0;
    b = 32'd0;
    c = 32'd0;
    d = 32'd0;
    mixed = 32'd0;
    if (enable) begin
      a = x ^ (x >> 16);
      b = a * sf_isa_pkg::MIX_MULTIPLIER_1;
      c = b ^ (b >> 13);
      d = c * sf_isa_pkg::MIX_MULTIPLIER_2;
      mixed = d ^ (d >> 16);
    end
  end
endmodule
