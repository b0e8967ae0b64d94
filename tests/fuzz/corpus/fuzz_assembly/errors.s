(p4) spike
add r1, r2
li r1, 0x
LDC R1, 0x3ff ; x
