// The neurons' state memory: the pipeline's synchronous read (lds) and write (sts, the load
// port), and a combinational read for the harness, which reads every state word between steps
// without spending clock cycles on it.
module sf_core_state_ram #(
    parameter int DEPTH = 16384,
    parameter int ADDRESS_BITS = $clog2(DEPTH)
) (
    input  logic                    clk,
    input  logic                    write,
    input  logic [ADDRESS_BITS-1:0] write_address,
    input  logic [            31:0] write_data,
    input  logic                    read,
    input  logic [ADDRESS_BITS-1:0] read_address,
    output logic [            31:0] read_data,
    input  logic [ADDRESS_BITS-1:0] debug_address,
    output logic [            31:0] debug_data
);
  logic [31:0] words[DEPTH];

  always_ff @(posedge clk) begin
    if (write) words[write_address] <= write_data;
    if (read) read_data <= words[read_address];
  end
  assign debug_data = words[debug_address];
endmodule
