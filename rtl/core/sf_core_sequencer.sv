// The step sequencer. A tick while idle starts a step: step_number + 1, then
//   TICK  tick_cycles: the step's hash, the first neuron's row and hash;
//   for every neuron k:
//     ISSUE the program's cycles (the pipeline says when its last instruction has issued);
//     POST  neuron_cycles: the last instructions drain (cycles 0 and 1), the neuron's row of this
//           step's slot is cleared and the next neuron's read (1), the next neuron's row, hash
//           and cleared registers take over (2);
//     SEND  if it spiked: spike_cycles, spike_valid with spike_neuron = k until spike_ready;
//           cycles past spike_cycles waiting for it are counted as spike_stall_cycles;
//   then idle again, with step_done for one cycle. With spike_ready high a step lasts exactly
// timing::step_cycles: tick_cycles + neurons x (program cycles + neuron_cycles) + spikes x
// spike_cycles, counted from the tick's cycle to the step's last cycle.
module sf_core_sequencer #(
    parameter int NEURONS = 256,
    parameter int DELAY_SLOTS = 16,
    parameter int ROW_BITS = $clog2(DELAY_SLOTS * NEURONS),
    parameter int NEURON_BITS = $clog2(NEURONS + 1)
) (
    input  logic                   clk,
    input  logic                   rst_n,
    input  logic                   tick,
    input  logic                   refused,          // configuration or load refused
    input  logic [           31:0] neurons,
    input  logic [           31:0] delay_slots,
    input  logic [           31:0] seed,
    input  logic [           31:0] first_neuron,
    input  logic [           31:0] tick_cycles,
    input  logic [           31:0] neuron_cycles,
    input  logic [           31:0] spike_cycles,
    input  logic                   empty_program,
    input  logic                   issue_done,       // the neuron's last instruction issues
    input  logic                   spiked,           // the neuron's spike flag
    output logic                   idle,
    output logic                   issue,            // the ISSUE phase
    output logic                   enter_issue,      // fetch the first instruction
    output logic                   step_start,       // the tick's cycle
    output logic                   neuron_start,     // registers cleared, row latched
    output logic                   neuron_end,       // the neuron's instructions have executed
    output logic [NEURON_BITS-1:0] neuron,
    output logic [           31:0] step_number,
    output logic [           31:0] neuron_hash,
    output logic                   row_read,
    output logic [   ROW_BITS-1:0] row_read_address,
    output logic                   row_clear,
    output logic [   ROW_BITS-1:0] row_clear_address,
    output logic                   spike_valid,
    input  logic                   spike_ready,
    output logic [NEURON_BITS-1:0] spike_neuron,
    output logic                   step_done,
    output logic [           31:0] last_step_cycles,
    output logic [           63:0] steps,
    output logic [           63:0] spikes,
    output logic [           63:0] overruns,
    output logic [           63:0] refused_ticks,
    output logic [           63:0] spike_stall_cycles
);
  // One-hot phases.
  localparam int IDLE = 0, TICK = 1, ISSUE = 2, POST = 3, SEND = 4;
  logic [4:0] phase;
  logic [31:0] count;    // cycles into the phase
  logic [31:0] elapsed;  // cycles into the step
  logic [31:0] step_hash;
  logic send_pending, sent;

  assign idle = phase[IDLE];
  assign issue = phase[ISSUE];
  assign step_start = idle && tick && !refused;
  assign spike_valid = phase[SEND] && !sent;
  assign spike_neuron = neuron;

  logic [NEURON_BITS-1:0] next_neuron;
  logic [31:0] slot;
  logic more_neurons, tick_over, post_over, send_over;
  assign next_neuron = neuron + NEURON_BITS'(1);
  assign slot = step_number & (delay_slots - 32'd1);
  assign more_neurons = 32'(next_neuron) < neurons;
  assign tick_over = phase[TICK] && count == tick_cycles - 32'd1;
  assign post_over = phase[POST] && count == neuron_cycles - 32'd1;
  assign send_over = phase[SEND] && count >= spike_cycles - 32'd1 && (sent || spike_ready);

  // The per-neuron work at fixed cycles of TICK and POST (sf_core_pkg::TICK_SETUP_CYCLES and
  // DRAIN_CYCLES are what these need).
  assign row_read = (phase[TICK] && count == 32'd2) || (phase[POST] && count == 32'd1);
  assign row_read_address = ROW_BITS'(slot * NEURONS + (phase[TICK] ? 32'd0 : 32'(next_neuron)));
  assign row_clear = phase[POST] && count == 32'd1;
  assign row_clear_address = ROW_BITS'(slot * NEURONS + 32'(neuron));
  assign neuron_end = row_clear;
  assign neuron_start = (phase[TICK] && count == 32'd3) || (phase[POST] && count == 32'd2);

  // Where the next neuron starts: its program, or straight to POST when there is none.
  logic start_next, start_first, finish;
  assign start_first = tick_over && neurons != 32'd0;
  assign start_next = (post_over && !send_pending && more_neurons) || (send_over && more_neurons);
  assign finish = (tick_over && neurons == 32'd0) || (post_over && !send_pending && !more_neurons)
      || (send_over && !more_neurons);
  assign enter_issue = (start_first || start_next) && !empty_program;

  // The hashes rand starts from: the step's at TICK's cycle 1, each neuron's as it starts.
  logic [31:0] mix_in, mixed;
  assign mix_in = phase[TICK] && count == 32'd1 ?
      seed + step_number * sf_isa_pkg::RANDOM_STEP_SPREAD :
      step_hash ^ (first_neuron + (phase[TICK] ? 32'd0 : 32'(next_neuron)));
  sf_core_mix mix (
      .enable((phase[TICK] && count == 32'd1) || neuron_start),
      .x(mix_in),
      .mixed(mixed)
  );

  always_ff @(posedge clk) begin
    if (!rst_n) begin
      phase <= 5'b1 << IDLE;
      count <= 32'd0;
      elapsed <= 32'd0;
      step_number <= 32'd0;
      neuron <= '0;
      send_pending <= 1'b0;
      sent <= 1'b0;
      step_done <= 1'b0;
      last_step_cycles <= 32'd0;
      steps <= 64'd0;
      spikes <= 64'd0;
      overruns <= 64'd0;
      refused_ticks <= 64'd0;
      spike_stall_cycles <= 64'd0;
    end else begin
      step_done <= 1'b0;
      count <= count + 32'd1;
      elapsed <= elapsed + 32'd1;
      if (tick && !idle) overruns <= overruns + 64'd1;
      if (tick && idle && refused) refused_ticks <= refused_ticks + 64'd1;
      if (step_start) begin
        phase <= 5'b1 << TICK;
        count <= 32'd1;
        elapsed <= 32'd1;
        step_number <= step_number + 32'd1;
        neuron <= '0;
        steps <= steps + 64'd1;
      end
      if (phase[TICK] && count == 32'd1) step_hash <= mixed;
      if (neuron_start) neuron_hash <= mixed;
      if (neuron_end) begin
        send_pending <= spiked;
        if (spiked) spikes <= spikes + 64'd1;
      end
      if (phase[ISSUE] && issue_done) begin
        phase <= 5'b1 << POST;
        count <= 32'd0;
      end
      if (post_over && send_pending) begin
        phase <= 5'b1 << SEND;
        count <= 32'd0;
        sent <= 1'b0;
      end
      if (phase[SEND]) begin
        if (spike_valid && spike_ready) sent <= 1'b1;
        if (count >= spike_cycles) spike_stall_cycles <= spike_stall_cycles + 64'd1;
      end
      if (start_next) neuron <= next_neuron;
      if (start_first || start_next) begin
        phase <= empty_program ? 5'b1 << POST : 5'b1 << ISSUE;
        count <= 32'd0;
      end
      if (finish) begin
        phase <= 5'b1 << IDLE;
        step_done <= 1'b1;
        last_step_cycles <= elapsed + 32'd1;
      end
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (rst_n) begin
      assert ($onehot(phase)) else $error("sequencer: phases %b not one-hot", phase);
      // The spike port: once offered, the spike stays offered, for the same neuron, until taken.
      if (spike_valid && !spike_ready)
        assert (phase[SEND] && !send_over) else $error("sequencer: spike withdrawn");
      assert (!(issue_done && !phase[ISSUE])) else $error("sequencer: issue outside ISSUE");
    end
  end
`endif

  // Functional coverage (docs/rtl.md, "Functional coverage" of the core). The phase is unknown
  // before the first reset, so a reset counts as in the middle of a step only after one.
`ifndef SYNTHESIS
  /* verilator tracing_off */
  logic reset_seen = 1'b0;
  always_ff @(posedge clk) begin
    if (!rst_n) reset_seen <= 1'b1;
  end
  bin_core_spike_sent : cover property (@(posedge clk) rst_n && spike_valid && spike_ready);
  bin_core_spike_stalled : cover property (@(posedge clk) rst_n && phase[SEND]
      && count >= spike_cycles);
  bin_core_overrun : cover property (@(posedge clk) rst_n && tick && !idle);
  bin_core_refused_tick : cover property (@(posedge clk) rst_n && tick && idle && refused);
  bin_core_reset_mid_step : cover property (@(posedge clk) !rst_n && reset_seen && !idle);
  /* verilator tracing_on */
`endif

  // The sink of bits left unused on purpose stays out of traces: traced, it would be computed
  // in every cycle.
  /* verilator tracing_off */
  logic unused_bits;
  assign unused_bits = ^{slot[31:$clog2(DELAY_SLOTS)]};
  /* verilator tracing_on */
endmodule
