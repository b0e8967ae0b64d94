// MurmurHash3's 32-bit finaliser (isa::mix32), whole, for the hashes rand's draws start from:
// the step's and the neuron's, which the sequencer computes once per step and once per neuron.
module sf_core_mix (
    input  logic [31:0] x,
    output logic [31:0] mixed
);
  logic [31:0] a, b, c, d;
  assign a = x ^ (x >> 16);
  assign b = a * sf_isa_pkg::MIX_MULTIPLIER_1;
  assign c = b ^ (b >> 13);
  assign d = c * sf_isa_pkg::MIX_MULTIPLIER_2;
  assign mixed = d ^ (d >> 16);
endmodule
