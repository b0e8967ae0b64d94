// A memory of the core: one synchronous write port and one synchronous read port with an enable
// (the output holds its word while `read` is low), so that synthesis maps it onto a block RAM.
// Reading and writing one address in the same cycle returns the old word; the core forwards where
// it needs the new one.
module sf_core_ram #(
    parameter int WIDTH = 32,
    parameter int DEPTH = 1024,
    parameter int ADDRESS_BITS = $clog2(DEPTH)
) (
    input  logic                    clk,
    input  logic                    write,
    input  logic [ADDRESS_BITS-1:0] write_address,
    input  logic [       WIDTH-1:0] write_data,
    input  logic                    read,
    input  logic [ADDRESS_BITS-1:0] read_address,
    output logic [       WIDTH-1:0] read_data
);
  logic [WIDTH-1:0] words[DEPTH];

  always_ff @(posedge clk) begin
    if (write) words[write_address] <= write_data;
    if (read) read_data <= words[read_address];
  end
endmodule
