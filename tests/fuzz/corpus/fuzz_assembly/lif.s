; v += (input - v) * decay, spike and reset above threshold
    lds   r1, 0          ; v
    ldin  r2, 0
    sub   r3, r2, r1
    ldc   r4, 0          # decay, Q1.30
    mul   r3, r3, r4, 30
    add   r1, r1, r3
    ldc   r5, 1
    cmpgt p1, r1, r5
    (p1)  spike
    (p1)  ldc r1, 2
    sts   0, r1
    li    r6, -262144
    sel   r7, p1, r6, r1
    (!p3) lut r8, r7, 15
    shl   r9, r8, 31
    shr   r9, r9, 0
    min   r10, r9, r8
    max   r11, r10, r0
    cmpge p2, r11, r10
    cmpeq p3, r11, r10
    nop
